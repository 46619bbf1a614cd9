"""Shell completion scripts, written from the parser itself so that they never drift from it.

`twir-events completion bash|zsh|fish` prints one; zsh runs the bash one through its
`bashcompinit`. Commands, options (those of the command being typed), `--format` and shell
choices, and files or folders where an option takes one.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass

PROG = "twir-events"
FUNCTION = "_twir_events"


@dataclass(frozen=True)
class _Flag:
    flags: tuple[str, ...]
    value: str  # "" (no value), "file", "dir", "choice" or "other"
    choices: tuple[str, ...]
    help: str


@dataclass(frozen=True)
class _Command:
    name: str  # "" for the plain command
    help: str
    flags: tuple[_Flag, ...]
    words: tuple[str, ...]  # what a positional may be: subcommands or choices
    files: bool  # a positional names a file


def _flag(action: argparse.Action) -> _Flag:
    metavar = str(action.metavar or "")
    if action.nargs == 0:
        value = ""
    elif action.choices:
        value = "choice"
    elif metavar in ("FILE", "SOURCE"):
        value = "file"
    elif metavar == "DIR":
        value = "dir"
    else:
        value = "other"
    choices = tuple(str(c) for c in action.choices or ())
    return _Flag(tuple(action.option_strings), value, choices, str(action.help or ""))


def _commands(parser: argparse.ArgumentParser) -> list[_Command]:
    """The plain command, then each subcommand (a nested one, `registry learn`, folded into
    `registry`: its options and its files)."""
    found = [_command("", "", parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action._choices_actions:
                found.append(
                    _command(child.dest, str(child.help or ""), action.choices[child.dest])
                )
    return found


def _command(name: str, help_text: str, parser: argparse.ArgumentParser) -> _Command:
    flags = [_flag(a) for a in parser._actions if a.option_strings]
    words: list[str] = []
    files = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            words.extend(action.choices)
            if name:
                for child in action.choices.values():
                    flags += [_flag(a) for a in child._actions if a.option_strings]
                    files = True
        elif not action.option_strings:
            if action.choices:
                words.extend(str(c) for c in action.choices)
            else:
                files = True
    unique = {f.flags: f for f in flags}
    return _Command(name, help_text, tuple(unique.values()), tuple(words), files)


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    commands = _commands(parser)
    if shell == "bash":
        return _bash(commands)
    if shell == "zsh":
        return (
            f"#compdef {PROG}\n"
            "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\n"
            "autoload -U +X bashcompinit && bashcompinit\n" + _bash(commands)
        )
    if shell == "fish":
        return _fish(commands)
    raise ValueError(f"no completion for the shell {shell!r}")


def _bash(commands: list[_Command]) -> str:
    names = [c.name for c in commands if c.name]
    values: dict[str, list[str]] = {"file": [], "dir": [], "other": []}
    choices: dict[tuple[str, ...], list[str]] = {}
    for command in commands:
        for flag in command.flags:
            if flag.value == "choice":
                choices.setdefault(flag.choices, []).extend(flag.flags)
            elif flag.value:
                values[flag.value].extend(flag.flags)
    cases = []
    for words, flags in choices.items():
        pattern = "|".join(dict.fromkeys(flags))
        cases.append(
            f'        {pattern}) COMPREPLY=($(compgen -W "{" ".join(words)}" -- "$cur")); return;;'
        )
    for kind, option in (("file", "-f"), ("dir", "-d")):
        if values[kind]:
            pattern = "|".join(dict.fromkeys(values[kind]))
            cases.append(f'        {pattern}) COMPREPLY=($(compgen {option} -- "$cur")); return;;')
    if values["other"]:
        cases.append(f"        {'|'.join(dict.fromkeys(values['other']))}) return;;")
    per_command = []
    for command in commands:
        spelled = " ".join(sorted({f for flag in command.flags for f in flag.flags}))
        files = "1" if command.files else ""
        per_command.append(
            f'        "{command.name}") opts={shlex.quote(spelled)}; '
            f'words={shlex.quote(" ".join(command.words))}; files="{files}";;'
        )
    return "\n".join(
        [
            f'# bash completion for {PROG}: eval "$({PROG} completion bash)"',
            f"{FUNCTION}() {{",
            '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" opts="" words="" files="" i',
            '    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            '        case "${COMP_WORDS[i]}" in',
            f'            {"|".join(names)}) cmd="${{COMP_WORDS[i]}}"; break;;',
            "        esac",
            "    done",
            '    case "$prev" in',
            *cases,
            "    esac",
            '    case "$cmd" in',
            *per_command,
            "    esac",
            '    if [[ "$cur" == -* ]]; then',
            '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
            '    elif [[ -n "$files" ]]; then',
            '        COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))',
            "    else",
            '        COMPREPLY=($(compgen -W "$words" -- "$cur"))',
            "    fi",
            "}",
            f"complete -o default -F {FUNCTION} {PROG}",
            "",
        ]
    )


def _fish(commands: list[_Command]) -> str:
    names = [c.name for c in commands if c.name]
    lines = [
        f"# fish completion for {PROG}: {PROG} completion fish | source",
        f"complete -c {PROG} -f",
    ]
    for command in commands:
        if command.name:
            lines.append(
                f"complete -c {PROG} -n '__fish_use_subcommand' -a {command.name} "
                f"-d {_quote(command.help)}"
            )
    seen: dict[tuple[str, ...], tuple[_Flag, set[str]]] = {}
    for command in commands:
        for flag in command.flags:
            seen.setdefault(flag.flags, (flag, set()))[1].add(command.name)
    for flag, owners in seen.values():
        if "" in owners:
            absent = [n for n in names if n not in owners]
            condition = f"not __fish_seen_subcommand_from {' '.join(absent)}" if absent else ""
        else:
            condition = f"__fish_seen_subcommand_from {' '.join(sorted(owners))}"
        parts = [f"complete -c {PROG}"]
        if condition:
            parts.append(f"-n {_quote(condition)}")
        for spelling in flag.flags:
            parts.append(
                f"-l {spelling[2:]}" if spelling.startswith("--") else f"-s {spelling[1:]}"
            )
        if flag.value == "choice":
            parts.append(f"-x -a {_quote(' '.join(flag.choices))}")
        elif flag.value == "file":
            parts.append("-r -F")
        elif flag.value == "dir":
            parts.append("-x -a '(__fish_complete_directories)'")
        elif flag.value == "other":
            parts.append("-x")
        parts.append(f"-d {_quote(_short(flag.help))}")
        lines.append(" ".join(parts))
    for command in commands:
        if not command.name:
            continue
        condition = _quote(f"__fish_seen_subcommand_from {command.name}")
        if command.words:
            lines.append(
                f"complete -c {PROG} -n {condition} -x -a {_quote(' '.join(command.words))}"
            )
        if command.files:
            lines.append(f"complete -c {PROG} -n {condition} -F")
    return "\n".join(lines) + "\n"


def _short(text: str) -> str:
    return text.split(" (", 1)[0]


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
