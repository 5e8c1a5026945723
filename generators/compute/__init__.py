"""What the data says: the history each issue sees, corrections, and the 本周数据要点 highlights."""
