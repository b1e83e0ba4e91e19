// extension.js - starts `recovc lsp` (settings recov.server.*) as the
// language server of .recov files; highlighting needs none of this.
'use strict';
const vscode = require('vscode');

let client;

function activate(context) {
  const cfg = vscode.workspace.getConfiguration('recov');
  if (!cfg.get('server.enable', true)) return;
  const { LanguageClient } = require('vscode-languageclient/node');
  const server = { command: cfg.get('server.path', 'recovc'), args: cfg.get('server.args', ['lsp']) };
  client = new LanguageClient('recov', 'recov language server',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'recov' }, { scheme: 'untitled', language: 'recov' }] });
  context.subscriptions.push(client);
  client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
