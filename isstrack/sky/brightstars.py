"""The brightest stars (to magnitude 2.15), J2000 positions from the Yale Bright Star Catalogue.

Source: The Bright Star Catalogue, 5th Revised Ed. (Hoffleit & Warren, 1991; NASA Astronomical
Data Center catalogue V/50), which is in the public domain. Positions are the catalogue's J2000.0
right ascension and declination, rounded to a second of time and an arcsecond; proper motion is left
out (at most about 1' by 2050 for these stars, far below what a terminal chart can show).
Magnitudes are the catalogue's V; for variable stars (Betelgeuse, Algol) a typical value.
Names are the IAU's proper names, the way a star chart prints them.
"""

from __future__ import annotations

# name, RA (h, m, s), Dec (sign, deg, arcmin, arcsec), V magnitude; brightest first.
BRIGHT_STARS: tuple[tuple[str, tuple[int, int, float], tuple[int, int, int, float], float], ...] = (
    ("Sirius", (6, 45, 8.9), (-1, 16, 42, 58), -1.46),
    ("Canopus", (6, 23, 57.1), (-1, 52, 41, 44), -0.72),
    ("Rigil Kentaurus", (14, 39, 36.5), (-1, 60, 50, 2), -0.27),
    ("Arcturus", (14, 15, 39.7), (1, 19, 10, 57), -0.04),
    ("Vega", (18, 36, 56.3), (1, 38, 47, 1), 0.03),
    ("Capella", (5, 16, 41.4), (1, 45, 59, 53), 0.08),
    ("Rigel", (5, 14, 32.3), (-1, 8, 12, 6), 0.12),
    ("Procyon", (7, 39, 18.1), (1, 5, 13, 30), 0.38),
    ("Achernar", (1, 37, 42.8), (-1, 57, 14, 12), 0.46),
    ("Betelgeuse", (5, 55, 10.3), (1, 7, 24, 25), 0.50),
    ("Hadar", (14, 3, 49.4), (-1, 60, 22, 23), 0.61),
    ("Altair", (19, 50, 47.0), (1, 8, 52, 6), 0.77),
    ("Acrux", (12, 26, 35.9), (-1, 63, 5, 57), 0.77),
    ("Aldebaran", (4, 35, 55.2), (1, 16, 30, 33), 0.85),
    ("Antares", (16, 29, 24.4), (-1, 26, 25, 55), 0.96),
    ("Spica", (13, 25, 11.6), (-1, 11, 9, 41), 0.98),
    ("Pollux", (7, 45, 18.9), (1, 28, 1, 34), 1.14),
    ("Fomalhaut", (22, 57, 39.0), (-1, 29, 37, 20), 1.16),
    ("Deneb", (20, 41, 25.9), (1, 45, 16, 49), 1.25),
    ("Mimosa", (12, 47, 43.3), (-1, 59, 41, 19), 1.25),
    ("Regulus", (10, 8, 22.3), (1, 11, 58, 2), 1.35),
    ("Adhara", (6, 58, 37.5), (-1, 28, 58, 20), 1.50),
    ("Castor", (7, 34, 36.0), (1, 31, 53, 18), 1.58),
    ("Shaula", (17, 33, 36.5), (-1, 37, 6, 14), 1.63),
    ("Gacrux", (12, 31, 9.9), (-1, 57, 6, 48), 1.63),
    ("Bellatrix", (5, 25, 7.9), (1, 6, 20, 59), 1.64),
    ("Elnath", (5, 26, 17.5), (1, 28, 36, 27), 1.65),
    ("Miaplacidus", (9, 13, 12.0), (-1, 69, 43, 2), 1.68),
    ("Alnilam", (5, 36, 12.8), (-1, 1, 12, 7), 1.70),
    ("Alnair", (22, 8, 14.0), (-1, 46, 57, 40), 1.74),
    ("Alnitak", (5, 40, 45.5), (-1, 1, 56, 34), 1.77),
    ("Alioth", (12, 54, 1.7), (1, 55, 57, 35), 1.77),
    ("Dubhe", (11, 3, 43.7), (1, 61, 45, 3), 1.79),
    ("Mirfak", (3, 24, 19.4), (1, 49, 51, 40), 1.79),
    ("Wezen", (7, 8, 23.5), (-1, 26, 23, 36), 1.84),
    ("Kaus Australis", (18, 24, 10.3), (-1, 34, 23, 5), 1.85),
    ("Avior", (8, 22, 30.8), (-1, 59, 30, 35), 1.86),
    ("Alkaid", (13, 47, 32.4), (1, 49, 18, 48), 1.86),
    ("Sargas", (17, 37, 19.1), (-1, 42, 59, 52), 1.87),
    ("Menkalinan", (5, 59, 31.7), (1, 44, 56, 51), 1.90),
    ("Atria", (16, 48, 39.9), (-1, 69, 1, 40), 1.92),
    ("Alhena", (6, 37, 42.7), (1, 16, 23, 57), 1.93),
    ("Peacock", (20, 25, 38.9), (-1, 56, 44, 6), 1.94),
    ("Polaris", (2, 31, 49.1), (1, 89, 15, 51), 1.97),
    ("Mirzam", (6, 22, 42.0), (-1, 17, 57, 21), 1.98),
    ("Alphard", (9, 27, 35.2), (-1, 8, 39, 31), 1.98),
    ("Hamal", (2, 7, 10.4), (1, 23, 27, 45), 2.00),
    ("Algieba", (10, 19, 58.4), (1, 19, 50, 29), 2.01),
    ("Diphda", (0, 43, 35.4), (-1, 17, 59, 12), 2.04),
    ("Nunki", (18, 55, 15.9), (-1, 26, 17, 48), 2.05),
    ("Menkent", (14, 6, 40.9), (-1, 36, 22, 12), 2.06),
    ("Alpheratz", (0, 8, 23.3), (1, 29, 5, 26), 2.06),
    ("Mirach", (1, 9, 43.9), (1, 35, 37, 14), 2.06),
    ("Saiph", (5, 47, 45.4), (-1, 9, 40, 11), 2.07),
    ("Kochab", (14, 50, 42.3), (1, 74, 9, 20), 2.08),
    ("Rasalhague", (17, 34, 56.1), (1, 12, 33, 36), 2.08),
    ("Algol", (3, 8, 10.1), (1, 40, 57, 20), 2.09),
    ("Denebola", (11, 49, 3.6), (1, 14, 34, 19), 2.14),
)
