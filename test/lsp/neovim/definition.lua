-- The harness of test/lsp/neovim.test.ts, run after one of the README's Neovim set-ups (the init file):
--
--   nvim --headless --clean -u <README block> -c 'luafile definition.lua'
--
-- $ATLAS_NVIM_PLAN names a JSON file: { out, deadline_ms, queries = { { file, line, character, method } } }
-- (0-based LSP positions). Each file is opened as a person would open it, so the README's FileType
-- autocmd starts the server and attaches it; the cursor goes to the position and the request is sent
-- from there, again until it has an answer (the server answers once it has indexed) or the deadline
-- passes. Every answer goes to `out` as JSON; whatever happens, Neovim quits.
local plan = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('ATLAS_NVIM_PLAN')), '\n'))
local deadline = vim.loop.now() + plan.deadline_ms
local function left()
  return math.max(1, deadline - vim.loop.now())
end
-- vim.lsp.get_clients() from 0.10 on, get_active_clients() before.
local all_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

local report = { nvim = vim.version(), answers = {} }

local function our_client(bufnr)
  for _, c in pairs(all_clients()) do
    if c.name == 'django-atlas' and vim.lsp.buf_is_attached(bufnr, c.id) and c.initialized then
      return c
    end
  end
end

local function has_answer(result)
  return type(result) == 'table' and next(result) ~= nil
end

local function run(q)
  local answer = { file = q.file, method = q.method }
  table.insert(report.answers, answer)
  vim.cmd('edit ' .. vim.fn.fnameescape(q.file))
  local bufnr = vim.api.nvim_get_current_buf()
  answer.filetype = vim.bo[bufnr].filetype
  local client
  vim.wait(left(), function()
    client = our_client(bufnr)
    return client ~= nil
  end, 20)
  if not client then
    answer.error = 'no django-atlas client attached to the buffer'
    return
  end
  answer.root_dir = client.config.root_dir
  vim.api.nvim_win_set_cursor(0, { q.line + 1, q.character })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  answer.tries = 0
  repeat
    answer.tries = answer.tries + 1
    local responses, err = vim.lsp.buf_request_sync(bufnr, q.method, params, left())
    if err then answer.error = err end
    for _, r in pairs(responses or {}) do
      if r.error then answer.error = r.error end
      answer.result = r.result
    end
    if has_answer(answer.result) then return end
    vim.wait(math.min(200, left()))
  until vim.loop.now() >= deadline
  answer.error = answer.error or 'no answer before the deadline'
end

local ok, err = pcall(function()
  for _, q in ipairs(plan.queries) do
    run(q)
  end
end)
if not ok then report.error = tostring(err) end
vim.fn.writefile({ vim.fn.json_encode(report) }, plan.out)

-- Shut the server down (shutdown + exit) before quitting, within a deadline of its own.
vim.lsp.stop_client(all_clients())
vim.wait(3000, function()
  return #all_clients() == 0
end, 20)
vim.cmd('qa!')
