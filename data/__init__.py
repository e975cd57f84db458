"""Bundled offline defaults: the newest reference ISS elements and a DE421 Sun/Earth excerpt."""
