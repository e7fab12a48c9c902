"""Screens: the main screen and the modal views it opens."""
