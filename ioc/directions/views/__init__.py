"""Pages: staff.py for the leaders, operators and the units that carry directions out."""
