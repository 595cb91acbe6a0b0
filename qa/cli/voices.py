"""`callqa voices`: enroll agents' voices for the agent voice hint on mono calls (roles.voices_dir)."""
from __future__ import annotations

import click

from qa.cli.group import config_option, load, main
from transcribe.errors import InputError

CHANNELS = {"left": 0, "right": 1}


@main.group(name="voices")
def voices_group() -> None:
    """Agent voiceprints: which speaker of a mono call is the agent, by voice."""


def _folder(config: str | None, voices_dir: str | None) -> str:
    folder = voices_dir or load(config, {}).roles.voices_dir
    if not folder:
        raise click.ClickException("no voiceprint folder: set roles.voices_dir in the settings file or give "
                                   "--voices-dir")
    return folder


@voices_group.command(name="enroll")
@click.argument("name")
@click.argument("audio", nargs=-1, required=True, type=click.Path())
@click.option("--channel", type=click.Choice(["left", "right", "mix"]), default="mix", show_default=True,
              help="On stereo recordings, the channel where the agent speaks.")
@click.option("--voices-dir", default=None, help="Folder of voiceprints (default: roles.voices_dir).")
@config_option
def voices_enroll(name: str, audio: tuple[str, ...], channel: str, voices_dir: str | None,
                  config: str | None) -> None:
    """Enroll agent NAME from recordings of their voice alone (or their channel of stereo calls)."""
    import numpy as np

    from transcribe.audio import decode, mix_down, speech_regions
    from transcribe.voiceprint import save_voiceprint, speech_of, voiceprint

    folder = _folder(config, voices_dir)
    parts = []
    for path in audio:
        with decode(path) as decoded:  # speech_of reads at most a couple of minutes of a long recording
            chans = decoded.channels
            if channel != "mix" and len(chans) < 2:
                raise InputError(path, f"--channel {channel} needs a stereo recording; this one is mono",
                                 "use --channel mix")
            samples = chans[CHANNELS[channel]] if channel != "mix" else mix_down(decoded)
            parts.append(speech_of(samples, speech_regions(samples), decoded.sample_rate))
    speech = np.concatenate(parts)
    try:
        vec = voiceprint(speech)
    except ValueError as exc:
        raise InputError(", ".join(audio), f"cannot enroll {name}: {exc}", "give longer recordings") from None
    out = save_voiceprint(folder, name, vec)
    click.echo(f"enrolled {name} from {len(speech) / 16000:.1f} s of speech -> {out}")


@voices_group.command(name="list")
@click.option("--voices-dir", default=None, help="Folder of voiceprints (default: roles.voices_dir).")
@config_option
def voices_list(voices_dir: str | None, config: str | None) -> None:
    """List enrolled agent voiceprints."""
    from transcribe.voiceprint import load_voiceprints

    prints = load_voiceprints(_folder(config, voices_dir))
    click.echo("\n".join(sorted(prints)) or "no agents enrolled")
