"""Regenerate chaingraph's stage palette (``chaingraph.views.colours.PALETTE``) and print how far apart
its colours stay for colour-blind readers.

    python docs/palette.py

Starts from Paul Tol's "muted" scheme (nine colours designed to stay distinct under colour-vision
deficiency), then adds colours one at a time, each the candidate (an 18-step sRGB grid, mid
lightness, not grey) farthest in CAM02-UCS from every colour so far, from white, from the page's
greys and from the colour of edges against the stage order, under normal vision and simulated
full deuteranopia, protanopia and tritanopia (Machado et al. 2009, as colorspacious simulates them).
Needs ``colorspacious`` (a test dependency).
"""

from __future__ import annotations

import itertools

import numpy as np
from colorspacious import cspace_convert

from chaingraph.views.colours import DIMMED_COLOR, NO_STAGE_COLOR
from chaingraph.views.edges import AGAINST_STYLE

TOL_MUTED = ["#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677", "#882255", "#aa4499"]
# The page's own colours: background, nodes with no stage, dimmed nodes, edges against the stage order.
PAGE_COLOURS = ["#ffffff", NO_STAGE_COLOR, DIMMED_COLOR, AGAINST_STYLE["color"]]
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")
VISIONS = [None] + [{"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100} for kind in DEFICIENCIES]
SIZE = 24


def rgb(colour: str) -> list[float]:
    return [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]


def seen(colours: np.ndarray, vision: dict | None) -> np.ndarray:
    """The colours in CAM02-UCS as a reader with ``vision`` sees them."""
    if vision is not None:
        colours = np.clip(cspace_convert(colours, vision, "sRGB1"), 0, 1)
    return cspace_convert(colours, "sRGB1", "CAM02-UCS")


def closest_pair(colours: list[str]) -> float:
    """The smallest distance between two of ``colours`` under any of the visions."""
    points = np.array([rgb(c) for c in colours])
    best = np.inf
    for vision in VISIONS:
        space = seen(points, vision)
        distance = np.linalg.norm(space[:, None] - space[None], axis=2)
        np.fill_diagonal(distance, np.inf)
        best = min(best, distance.min())
    return float(best)


def main() -> None:
    steps = np.linspace(0, 1, 18)
    candidates = np.array(list(itertools.product(steps, steps, steps)))
    spaces = [seen(candidates, vision) for vision in VISIONS]
    normal = spaces[0]
    usable = (normal[:, 0] > 35) & (normal[:, 0] < 88) & (np.hypot(normal[:, 1], normal[:, 2]) > 18)
    nearest = np.full(len(candidates), np.inf)

    def take(colour: list[float]) -> None:
        nonlocal nearest
        for space, vision in zip(spaces, VISIONS, strict=True):
            point = seen(np.array([colour]), vision)[0]
            nearest = np.minimum(nearest, np.linalg.norm(space - point, axis=1))

    for colour in PAGE_COLOURS + TOL_MUTED:
        take(rgb(colour))
    nearest[~usable] = -1
    palette = list(TOL_MUTED)
    while len(palette) < SIZE:
        best = candidates[int(np.argmax(nearest))]
        palette.append("#" + "".join(f"{round(channel * 255):02x}" for channel in best))
        take(best)
    print("PALETTE = [")
    for colour in palette:
        print(f'    "{colour}",')
    print("]")
    for count in (9, 12, 16, 21, SIZE):
        closest = closest_pair([*palette[:count], NO_STAGE_COLOR, DIMMED_COLOR])
        print(f"first {count} and the greys: closest pair {closest:.1f} (CAM02-UCS, worst of four visions)")


if __name__ == "__main__":
    main()
