//! `iop completions SHELL`: a completion script generated from the command definitions.

use clap::CommandFactory;
use clap_complete::{Shell as Target, generate};

use crate::args::{Cli, Shell};

/// Writes the completion script for `shell` to standard output.
pub fn run(shell: Shell) {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
    };
    generate(target, &mut Cli::command(), "iop", &mut std::io::stdout());
}
