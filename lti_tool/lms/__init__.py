"""Everything LTI: registrations, keys, login and launch checks, registration, LMS services."""
