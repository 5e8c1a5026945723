"""The files readers take away: chart CSVs, issue ZIPs, whole-archive CSV/XLSX, the RSS feed."""
