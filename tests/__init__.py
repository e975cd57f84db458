"""isstrack tests."""
