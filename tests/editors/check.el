;;; check.el --- tests/editors/emacs.sh: recov-mode against the lexer  -*- lexical-binding: t; -*-
;; `recov-check-tokens' reads kwpos's output (PATH K|I|N LINE COL WORD per
;; line); each file is read byte for byte (columns are bytes), put in
;; recov-mode and fontified; every K must carry font-lock-keyword-face, no I
;; or N may.  Prints at most 20 failures and a summary; exits 1 on a failure.
(require 'recov-mode)

(defun recov-check--face-has (pos face)
  (let ((f (get-text-property pos 'face)))
    (if (listp f) (memq face f) (eq f face))))

(defun recov-check-tokens (tokens)
  (let ((rows (with-temp-buffer
                (insert-file-contents tokens)
                (mapcar (lambda (l) (split-string l "\t"))
                        (split-string (buffer-string) "\n" t))))
        (bad 0) (nk 0) (ni 0) (nn 0) (files 0) (cur nil) (buf nil))
    (dolist (r rows)
      (let ((path (nth 0 r)) (kind (nth 1 r))
            (line (string-to-number (nth 2 r))) (col (string-to-number (nth 3 r)))
            (word (nth 4 r)))
        (unless (equal path cur)
          (setq cur path files (1+ files))
          (when buf (kill-buffer buf))
          (setq buf (generate-new-buffer "recov-check"))
          (with-current-buffer buf
            (insert-file-contents-literally path)
            (recov-mode)
            (font-lock-ensure)))
        (with-current-buffer buf
          (goto-char (point-min))
          (forward-line (1- line))
          (forward-char (1- col))
          (let* ((kw (recov-check--face-has (point) 'font-lock-keyword-face))
                 (ok (if (equal kind "K") kw (not kw))))
            (cond ((equal kind "K") (setq nk (1+ nk)))
                  ((equal kind "I") (setq ni (1+ ni)))
                  (t (setq nn (1+ nn))))
            (unless ok
              (setq bad (1+ bad))
              (when (<= bad 20)
                (princ (format "%s:%d:%d: %s %s has face %S\n" path line col
                               (cond ((equal kind "K") "keyword") ((equal kind "I") "identifier")
                                     (t "word in a comment, string or regex"))
                               word
                               (get-text-property (point) 'face)))))))))
    (princ (format "%d files, %d keywords, %d identifiers, %d keywords in comments, strings and regexes: %d wrong\n"
                   files nk ni nn bad))
    (kill-emacs (if (> bad 0) 1 0))))
;;; check.el ends here
