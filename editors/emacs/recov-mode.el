;;; recov-mode.el --- Major mode for recov error-recovery policies  -*- lexical-binding: t; -*-

;; Maintainer: the recov project (editors/README.md)
;; Keywords: languages
;; Package-Requires: ((emacs "25.1"))

;;; Commentary:

;; Highlighting and indentation for `.recov' policies.  Tokens follow the
;; scanner dsl/recov.l (spec/grammar.md, section 1): `//' and `/* */'
;; comments, one-line "strings" and /regexes/ that end at their delimiter or,
;; unterminated, at the end of the line, and the keywords below.
;;
;; The keyword list between the KEYWORDS markers is written by
;; editors/keywords.py from the lexer's own table: edit dsl/recov.l and run
;; that script, not the list.  tests/editors/emacs.sh checks that every
;; keyword the lexer finds in the repository's .recov files gets
;; `font-lock-keyword-face', and no identifier does.
;;
;; Install: put this file on `load-path' and add (require 'recov-mode).
;; With a language server (eglot, Emacs 29):
;;   (add-to-list 'eglot-server-programs '(recov-mode "recovc" "lsp"))

;;; Code:

(defgroup recov nil
  "Editing recov error-recovery policies."
  :group 'languages
  :prefix "recov-")

(defcustom recov-indent-offset 4
  "Indentation of a statement inside braces."
  :type 'integer
  :safe #'integerp)

;; BEGIN KEYWORDS (editors/keywords.py, from dsl/recov.l)
(defconst recov-keywords
  '("abort" "adaptive" "adjust" "after" "ageing" "at" "attempts" "backoff"
    "base" "breaker" "budget" "calls" "class" "classify" "close" "consecutive"
    "const" "count" "deadline" "degrade" "delay" "error" "escalate"
    "escalation" "factor" "failures" "fallback" "fault" "for" "half_open"
    "hint" "honor" "import" "in" "incidents" "jitter" "last" "max" "message"
    "min" "minus" "of" "on" "open" "param" "per" "policy" "probes" "ratio"
    "retry" "retryable" "run" "scale" "severity" "stats" "steps" "struct"
    "successes" "then" "timeout" "unresolved" "version" "when" "within")
  "The keywords of recov, as the lexer (dsl/recov.l) knows them.")
;; END KEYWORDS

(defconst recov--keyword-re (concat "\\`" (regexp-opt recov-keywords) "\\'")
  "Matches a whole word that is a keyword.")

(defconst recov--string-re
  "\"\\(?:[^\"\\\\\n]\\|\\\\.\\)*\\(?:\\(\"\\)\\|\\\\\\)?"
  "A string as the lexer scans it; group 1 is the closing quote, if any.")

(defconst recov--regex-re
  "/\\(?:\\(?:[^/*\\\\\n]\\|\\\\.\\)\\(?:[^/\\\\\n]\\|\\\\.\\)*\\(?:\\(/\\)\\|\\\\\\)?\\|\\\\?\\)"
  "A regex as the lexer scans it; group 1 is the closing slash, if any.")

(defvar recov-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?/ ". 124b" st)
    (modify-syntax-entry ?* ". 23" st)
    (modify-syntax-entry ?\n "> b" st)
    ;; strings and regexes are marked by `recov--syntax-propertize'
    (modify-syntax-entry ?\" "." st)
    (modify-syntax-entry ?\\ "\\" st)
    (dolist (c '(?= ?< ?> ?! ?~ ?| ?& ?: ?\; ?, ?. ?% ?' ?- ?+ ?@ ?# ?$ ?^ ?`))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table of `recov-mode'.")

(defun recov--fence (pos)
  "Give the character at POS generic string-fence syntax."
  (put-text-property pos (1+ pos) 'syntax-table (string-to-syntax "|")))

(defun recov--syntax-propertize (start end)
  "Mark the strings and regexes between START and END, skipping comments."
  (goto-char start)
  (let ((ppss (syntax-ppss)))
    (when (nth 4 ppss)
      (goto-char (nth 8 ppss))
      (unless (forward-comment 1) (goto-char end))))
  (while (and (< (point) end) (re-search-forward "//\\|/\\*\\|[\"/]" end t))
    (let ((b (match-beginning 0))
          (m (match-string 0)))
      (cond
       ((equal m "//") (end-of-line))
       ((equal m "/*") (unless (search-forward "*/" nil t) (goto-char (point-max))))
       (t
        (goto-char b)
        (if (not (looking-at (if (equal m "\"") recov--string-re recov--regex-re)))
            (forward-char 1)
          (let ((e (match-end 0)))
            (recov--fence b)
            (cond ((match-beginning 1) (recov--fence (1- e)))
                  ((eq (char-after e) ?\n) (recov--fence e)))
            (goto-char e))))))))

(defun recov--match-keyword (limit)
  "Font-lock matcher: the next whole word before LIMIT that is a keyword.
A word is a run of the lexer's identifier characters, so `3on' or `on_x'
are not keywords.  Comments and strings are already fontified, and
font-lock leaves them alone."
  (let (found)
    (while (and (not found) (re-search-forward "[A-Za-z0-9_]+" limit t))
      (setq found (string-match-p recov--keyword-re (match-string 0))))
    found))

(defconst recov-font-lock-keywords
  `((recov--match-keyword . font-lock-keyword-face)
    ("\\_<\\(?:[0-9]+\\(?:\\.[0-9]+\\)?\\(?:ms\\|[smhd%]\\)?\\|0[xX][0-9a-fA-F]+\\|x[0-9]+\\(?:\\.[0-9]+\\)?\\)\\_>"
     . font-lock-constant-face)
    ("\\_<_\\_>" . font-lock-builtin-face))
  "Highlighting of `recov-mode' beyond comments and strings.")

(defun recov-indent-line ()
  "Indent the current line by its brace depth."
  (interactive)
  (let* ((depth (save-excursion (car (syntax-ppss (line-beginning-position)))))
         (closing (save-excursion (back-to-indentation) (eq (char-after) ?})))
         (col (* recov-indent-offset (max 0 (- depth (if closing 1 0)))))
         (offset (- (current-column) (current-indentation))))
    (indent-line-to col)
    (when (> offset 0) (forward-char offset))))

;;;###autoload
(define-derived-mode recov-mode prog-mode "recov"
  "Major mode for recov error-recovery policies (.recov files)."
  :syntax-table recov-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|/\\*+\\)\\s-*")
  (setq-local syntax-propertize-function #'recov--syntax-propertize)
  (setq-local indent-line-function #'recov-indent-line)
  (setq-local font-lock-defaults '(recov-font-lock-keywords nil nil)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.recov\\'" . recov-mode))

(provide 'recov-mode)
;;; recov-mode.el ends here
