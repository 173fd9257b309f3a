"""Pages: staff.py for the operators who take calls."""
