" check.vim - tests/editors/vim.sh: holds editors/vim/syntax/recov.vim to the
" lexer's tokens.  g:tokens names kwpos's output (PATH K|I|N LINE COL WORD per
" line); every K must sit on the group recovKeyword, no I or N may.  Failures
" (at most 20 shown) and a summary go to g:result; the script ends Vim.
set nomore fileformats=unix
let s:lines = readfile(g:tokens)
let s:out = []
let s:bad = 0
let s:nk = 0
let s:ni = 0
let s:nn = 0
let s:files = 0
let s:cur = ''
for s:l in s:lines
  let [s:path, s:kind, s:line, s:col, s:word] = split(s:l, "\t", 1)
  if s:path !=# s:cur
    let s:cur = s:path
    let s:files += 1
    let v:errmsg = ''
    silent execute 'edit! ' . fnameescape(s:path)
    if v:errmsg !=# '' || &filetype !=# 'recov' || get(b:, 'current_syntax', '') !=# 'recov'
      call add(s:out, s:path . ': not loaded as recov: filetype=' . &filetype . ' error=' . v:errmsg)
      let s:bad += 1
    endif
  endif
  let s:name = synIDattr(synID(str2nr(s:line), str2nr(s:col), 1), 'name')
  if s:kind ==# 'K'
    let s:nk += 1
    let s:ok = s:name ==# 'recovKeyword'
  else
    if s:kind ==# 'I'
      let s:ni += 1
    else
      let s:nn += 1
    endif
    let s:ok = s:name !=# 'recovKeyword'
  endif
  if !s:ok
    let s:bad += 1
    if s:bad <= 20
      call add(s:out, printf('%s:%s:%s: %s %s has group "%s"', s:path, s:line, s:col,
            \ s:kind ==# 'K' ? 'keyword' : s:kind ==# 'I' ? 'identifier' : 'word in a comment, string or regex',
            \ s:word, s:name))
    endif
  endif
endfor
call add(s:out, printf('%d files, %d keywords, %d identifiers, %d keywords in comments, strings and regexes: %d wrong',
      \ s:files, s:nk, s:ni, s:nn, s:bad))
call writefile(s:out, g:result)
if s:bad
  cquit
endif
qall!
