"""Rows → Plotly figure dicts and the table each chart shows, one function per declared chart kind."""
