"""A development-only LMS: the platform side of LTI 1.3, shared by the sandbox and the tests."""
