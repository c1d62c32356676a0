//! `iop`: the iopkit command line. Tokens, any platform call, signature diagnosis and the
//! authorization link for the Alibaba IOP platforms and EnOS, from a shell or a cron job.

mod args;
mod commands;
mod credentials;
mod diagnose;
mod failure;
mod output;
mod profile;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, EnosCommand, EnosTokenCommand, PushCommand, TokenCommand};
use commands::Context;
use failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Context { global: &cli.global, stdin: Default::default() };
    match run(&ctx, &cli.command) {
        Ok(()) => ExitCode::from(failure::OK),
        Err(f) => {
            eprintln!("iop: {}", f.message);
            if let Some(hint) = &f.hint {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(f.code)
        }
    }
}

fn run(ctx: &Context<'_>, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Token(TokenCommand::Create { code, redirect_url, state, store, account }) => commands::token::create(
            ctx,
            code.as_deref(),
            redirect_url.as_deref().zip(state.as_deref()),
            store.as_deref().map(|s| (s, account.as_deref())),
        ),
        Command::Token(TokenCommand::Refresh { refresh_token, store, account }) => {
            commands::token::refresh(ctx, refresh_token.as_deref(), store.as_deref().zip(account.as_deref()))
        }
        Command::Token(TokenCommand::Get { store, account, margin }) => {
            commands::token::get(ctx, store, account, *margin)
        }
        Command::Enos(EnosCommand::Token(EnosTokenCommand::Get)) => commands::enos::get(ctx),
        Command::Enos(EnosCommand::Token(EnosTokenCommand::Refresh { access_token })) => {
            commands::enos::refresh(ctx, access_token.as_deref())
        }
        Command::Call(args) => commands::call::run(ctx, args),
        Command::Sign(args) => commands::sign::run(ctx, args),
        Command::AuthorizeUrl(args) => commands::authorize::run(ctx, args),
        Command::Sandbox(args) => commands::sandbox::run(ctx.global, args),
        Command::Completions { shell } => {
            commands::completions::run(*shell);
            Ok(())
        }
        Command::Limits(args) => commands::limits::run(ctx, args),
        Command::Push(PushCommand::Verify { authorization, body_file }) => {
            commands::push::verify(ctx, authorization, body_file.as_deref())
        }
        Command::Push(PushCommand::Listen { port, bind, exit_after }) => {
            commands::push::listen(ctx, *bind, *port, *exit_after)
        }
    }
}
