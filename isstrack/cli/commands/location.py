"""isstrack location set|show|clear: the saved home location used when no place is given."""

import typer

from isstrack.cli.commands.common import City, Elevation, Json, Lat, Lon
from isstrack.errors import LocationError
from isstrack.io.paths import config_dir
from isstrack.place.location import clear as clear_saved
from isstrack.place.location import load_saved, resolve, save
from isstrack.render.jsonout import location_json, write_json
from isstrack.render.safe import literal

app = typer.Typer(
    help="Save, show or clear the home location used when no --city or --lat/--lon is given.",
    invoke_without_command=True,
)


@app.callback()
def _group(ctx: typer.Context) -> None:
    """Save, show or clear the home location used when no --city or --lat/--lon is given."""
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())


@app.command("set")
def set_(
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
) -> None:
    """Save a home location (--city NAME, or --lat/--lon [--elevation])."""
    if city is None and lat is None and lon is None:
        raise LocationError("location set needs --city NAME or --lat and --lon")
    place = resolve(lat, lon, elevation, city, config_dir)
    assert place is not None
    path = save(place, config_dir())

    print(
        f"saved {literal(place.name)} ({place.latitude_deg:.4f}, {place.longitude_deg:.4f}, "
        f"{place.elevation_m:.0f} m, {place.time_zone or 'time zone unknown'}) to {path}"
    )


@app.command("show")
def show(json: Json = False) -> None:
    """Show the saved home location."""
    place = load_saved(config_dir())
    if json:
        write_json({"location": location_json(place) if place else None})
        return
    if place is None:
        print("no home location saved; set one with 'isstrack location set --city NAME'")
        return

    print(
        literal(
            f"{place.name}: {place.latitude_deg:.5f}, {place.longitude_deg:.5f}, {place.elevation_m:.0f} m, "
            f"{place.time_zone or 'time zone unknown'} ({config_dir() / 'config.toml'})"
        )
    )


@app.command("clear")
def clear() -> None:
    """Forget the saved home location."""
    print("home location cleared" if clear_saved(config_dir()) else "no home location was saved")
