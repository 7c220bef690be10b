package grader

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Everything a student controls — folder and file names, answers, what the
// tests' processes print — is data. These functions make it shown as text
// wherever a report shows it: in Markdown (feedback.md), in CSV files a
// spreadsheet opens (gradebook.csv, manual_scores.csv), on the teacher's
// terminal.

// DisplayName is how a name a student controls (a folder or file name) is
// shown: one line of printable text, with control characters, invalid UTF-8
// and backslashes escaped as Go escapes them ("\n", "\x1b", "\\"). Two
// different names never look the same.
func DisplayName(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		case r == '\\':
			sb.WriteString(`\\`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case unicode.IsControl(r) || !unicode.IsPrint(r) && r != ' ':
			if r < 0x100 {
				fmt.Fprintf(&sb, `\x%02x`, r)
			} else {
				fmt.Fprintf(&sb, `\u%04x`, r)
			}
		default:
			sb.WriteRune(r)
		}
		i += size
	}
	return sb.String()
}

// plainText makes text a student controls (an answer, a test's output) plain
// lines: CRLF and lone CR become LF, invalid UTF-8 and control characters but
// tab and newline are escaped as DisplayName escapes them.
func plainText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		case r == '\n' || r == '\t':
			sb.WriteRune(r)
		case unicode.IsControl(r) || !unicode.IsPrint(r) && r != ' ':
			sb.WriteString(DisplayName(string(r)))
		default:
			sb.WriteRune(r)
		}
		i += size
	}
	return sb.String()
}

// mdText escapes one line of text for Markdown (CommonMark): every ASCII
// punctuation character that could start markup or HTML gets a backslash, so
// the line renders as the characters it holds.
func mdText(s string) string {
	var sb strings.Builder
	for _, r := range DisplayName(s) {
		if r < 0x80 && strings.ContainsRune("\\`*_{}[]()<>#+-.!|~&=\"'", r) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// fenced returns s (plainText) as a Markdown fenced code block whose fence is
// longer than any run of backticks in s, so that nothing in s can close it:
// it renders verbatim, never as Markdown or HTML.
func fenced(info, s string) string {
	s = plainText(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + info + "\n" + s + "\n" + fence
}

// csvDangerous are the characters a spreadsheet reads as the start of a
// formula (OWASP's CSV injection), and the single quote that marks text.
const csvDangerous = "=+-@\t\r'"

// csvCell makes a cell a student controls safe to open in a spreadsheet: a
// cell that starts with =, +, -, @, a tab, a carriage return or a single quote
// gets a single quote in front (spreadsheets then read it as text).
// csvUncell undoes it.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune(csvDangerous, rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvUncell returns the value of a cell written by csvCell, also after a
// spreadsheet saved it again (which drops the quote).
func csvUncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(csvDangerous, rune(s[1])) {
		return s[1:]
	}
	return s
}

// studentCell is a student's name as the CSV files write it.
func studentCell(student string) string { return csvCell(DisplayName(student)) }
