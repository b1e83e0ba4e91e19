-- nvim_client.lua: Neovim's own LSP client (0.7, vim.lsp.start_client)
-- against `recovc lsp`.  Run by nvim_test.sh as
--   RECOVC=... POLICY=... BROKEN=... OUT=... nvim --headless -u NONE -i NONE -c 'luafile nvim_client.lua'
-- It opens POLICY, waits for its diagnostics, hovers a strategy, jumps to
-- its definition and applies the first code action of BROKEN; each
-- result is written to OUT as one line.  Waits are timeouts of 20 s on
-- events, never fixed sleeps.
local recovc, policy, out = vim.env.RECOVC, vim.env.POLICY, vim.env.OUT
local lines = {}
local function say(s) table.insert(lines, s) end
local T = 20000

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(policy))
  local buf = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(buf)
  local diags = {}
  local id = vim.lsp.start_client({
    cmd = { recovc, 'lsp' },
    name = 'recovc',
    root_dir = vim.fn.fnamemodify(policy, ':h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(e, result, ctx, config)
        diags[result.uri] = result.diagnostics
        vim.lsp.diagnostic.on_publish_diagnostics(e, result, ctx, config)
      end,
    },
  })
  assert(id, 'start_client failed')
  vim.lsp.buf_attach_client(buf, id)
  assert(vim.wait(T, function() return diags[uri] ~= nil end, 20), 'no diagnostics')
  say('diagnostics ' .. #diags[uri])
  local client = vim.lsp.get_client_by_id(id)

  -- hover over the strategy in `retry agent_backoff;` of the first block that has one
  local row, col
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local c = l:find('retry agent_backoff;', 1, true)
    if c and l:find('^on ') then row, col = i, c + 6; break end
  end
  assert(row, 'no retry step found')
  local r = client.request_sync('textDocument/hover',
    { textDocument = { uri = uri }, position = { line = row - 1, character = col - 1 } }, T, buf)
  assert(r and r.result, 'no hover')
  say('hover ' .. vim.split(r.result.contents.value, '\n')[1])

  -- go to definition with the editor's own command: the cursor moves
  vim.api.nvim_win_set_cursor(0, { row, col - 1 })
  vim.lsp.buf.definition()
  assert(vim.wait(T, function() return vim.api.nvim_win_get_cursor(0)[1] ~= row end, 20), 'no jump')
  local c = vim.api.nvim_win_get_cursor(0)
  say('definition ' .. c[1] .. ':' .. c[2] .. ' ' .. vim.api.nvim_get_current_line())

  -- a broken policy: apply the first code action of its first diagnostic,
  -- then wait for the diagnostics of the changed text
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.BROKEN))
  local b2 = vim.api.nvim_get_current_buf()
  local u2 = vim.uri_from_bufnr(b2)
  vim.lsp.buf_attach_client(b2, id)
  assert(vim.wait(T, function() return diags[u2] ~= nil end, 20), 'no diagnostics for the broken policy')
  local d = diags[u2][1]
  assert(d, 'the broken policy has no diagnostic')
  say('broken ' .. d.range.start.line .. ' ' .. d.message)
  local a = client.request_sync('textDocument/codeAction',
    { textDocument = { uri = u2 }, range = d.range, context = { diagnostics = { d } } }, T, b2)
  assert(a and a.result and a.result[1], 'no code action')
  say('action ' .. a.result[1].title)
  diags[u2] = nil
  vim.lsp.util.apply_workspace_edit(a.result[1].edit, client.offset_encoding)
  assert(vim.wait(T, function() return diags[u2] ~= nil end, 20), 'no diagnostics after the edit')
  say('after ' .. #diags[u2] .. ' ' .. (diags[u2][1] and diags[u2][1].message or ''))
  say('line ' .. vim.api.nvim_buf_get_lines(b2, 4, 5, false)[1])
end)

if not ok then say('FAILED ' .. tostring(err)) end
vim.fn.writefile(lines, out)
for _, c in pairs(vim.lsp.get_active_clients()) do c.stop() end
vim.cmd(ok and 'qall!' or 'cquit!')
