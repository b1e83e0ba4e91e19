" Vim filetype plugin: recov policies (*.recov)
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1
setlocal commentstring=//\ %s
setlocal comments=s1:/*,mb:*,ex:*/,://
setlocal expandtab shiftwidth=4 softtabstop=4
" `recovc fmt` gives the canonical layout (gq over the whole file: gggqG)
setlocal formatprg=recovc\ fmt\ -
let b:undo_ftplugin = "setl cms< com< et< sw< sts< fp<"
