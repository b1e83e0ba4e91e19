" Vim syntax file
" Language:    recov error-recovery policies (*.recov)
" Maintainer:  the recov project (editors/README.md)
"
" Tokens as dsl/recov.l scans them (spec/grammar.md, section 1).  The keyword
" list between the KEYWORDS markers is written by editors/keywords.py from the
" lexer's own table; edit dsl/recov.l and run that script, not this list.
" tests/editors/vim.sh checks that every keyword the lexer finds in the
" repository's .recov files is highlighted as one, and no identifier is.

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
" the lexer's identifier alphabet: `on` in `3on` or `on_x` is no keyword
syn iskeyword a-z,A-Z,48-57,_

" BEGIN KEYWORDS (editors/keywords.py, from dsl/recov.l)
syn keyword recovKeyword abort adaptive adjust after ageing at attempts
syn keyword recovKeyword backoff base breaker budget calls class classify
syn keyword recovKeyword close consecutive const count deadline degrade delay
syn keyword recovKeyword error escalate escalation factor failures fallback
syn keyword recovKeyword fault for half_open hint honor import in incidents
syn keyword recovKeyword jitter last max message min minus of on open param
syn keyword recovKeyword per policy probes ratio retry retryable run scale
syn keyword recovKeyword severity stats steps struct successes then timeout
syn keyword recovKeyword unresolved version when within
" END KEYWORDS

" literals: durations (250ms 1.5s 2h), percentages, factors (x2 x1.5), numbers
syn match recovNumber "\<\d\+\%(\.\d\+\)\=\%(ms\|s\|m\|h\|d\)\=\>"
syn match recovNumber "\<0[xX]\x\+\>"
syn match recovNumber "\<\d\+%"
syn match recovNumber "-\d\+\>"
syn match recovNumber "\<x\d\+\%(\.\d\+\)\=\>"
syn match recovCatchAll "\<_\>"
syn match recovOperator "=>\|==\|!=\|<=\|>=\|&&\|||\|\~i\=\|\.\.\||\|!"

" strings and regexes end at their delimiter or, unterminated, at the line's end
syn match recovEscape contained "\\\%(x\x\x\|.\)"
syn region recovString start=+"+ skip=+\\.+ end=+"+ end=+$+ contains=recovEscape
syn region recovRegex start=+/[/*]\@!+ skip=+\\.+ end=+/+ end=+$+

syn keyword recovTodo contained TODO FIXME XXX NOTE
syn match recovComment "//.*$" contains=recovTodo
syn region recovComment start="/\*" end="\*/" contains=recovTodo

" block comments span lines; policies are short, so parse from the top
syn sync fromstart

hi def link recovKeyword  Keyword
hi def link recovNumber   Number
hi def link recovCatchAll Special
hi def link recovOperator Operator
hi def link recovEscape   SpecialChar
hi def link recovString   String
hi def link recovRegex    String
hi def link recovTodo     Todo
hi def link recovComment  Comment

let b:current_syntax = "recov"
let &cpo = s:cpo_save
unlet s:cpo_save
