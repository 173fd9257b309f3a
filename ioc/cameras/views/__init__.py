"""Pages: public.py for citizens, staff.py for officers. Thin: reads through selectors, writes through services."""
