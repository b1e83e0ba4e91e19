" recov policies (*.recov); scenario files (*.rtest) have their own format
au BufRead,BufNewFile *.recov setfiletype recov
