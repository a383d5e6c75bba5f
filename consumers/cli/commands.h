// The `timeline` subcommands. Each Add*Command registers its subcommand on `app`, with --help,
// and sets `*exit_code` when it runs.
#pragma once

#include <CLI/CLI.hpp>

namespace timeline::cli {

void AddTopicsCommand(CLI::App* app, int* exit_code);
void AddRunCommands(CLI::App* app, int* exit_code);  // run, sequencer, worker
void AddAppendCommand(CLI::App* app, int* exit_code);
void AddReadCommands(CLI::App* app, int* exit_code);  // state, history
void AddDemoCommand(CLI::App* app, int* exit_code);
void AddViewCommand(CLI::App* app, int* exit_code);  // view NAME [ACCOUNT]
void AddVerifyCommand(CLI::App* app, int* exit_code);
void AddExportCommand(CLI::App* app, int* exit_code);   // export ACCOUNT
void AddExplainCommand(CLI::App* app, int* exit_code);  // explain ACCOUNT FIGURE
void AddRebuildCommand(CLI::App* app, int* exit_code);
void AddDigestCommand(CLI::App* app, int* exit_code);
void AddServeCommand(CLI::App* app, int* exit_code);      // serve: the HTTP/JSON query API
void AddTokenCommand(CLI::App* app, int* exit_code);      // token new NAME
void AddSubscribeCommand(CLI::App* app, int* exit_code);  // subscribe: filtered account-events
void AddWaitCommand(CLI::App* app, int* exit_code);       // wait: until the views hold the log
void AddDlqCommand(CLI::App* app, int* exit_code);        // dlq list|show|replay: dead letters

}  // namespace timeline::cli
