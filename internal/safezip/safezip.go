// Package safezip reads zip archives that someone else made (a student's
// upload, an LMS's bulk download) without trusting them: every entry name is
// checked (no absolute path, no "..", no backslash or NUL, at most a few
// folders deep), symbolic links and other special entries are skipped, and the
// number of entries, the size of each and the size of all of them once
// uncompressed are bounded, so that neither a path nor a zip bomb reaches
// beyond what the caller asked for. Nothing is written: the caller gets each
// regular file's name, modification time and bytes.
package safezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits bound what Walk reads from one archive.
type Limits struct {
	Entries   int   // the most entries (files, folders, links) the archive may list
	FileBytes int64 // the most one file may hold, uncompressed
	Total     int64 // the most all files together may hold, uncompressed
	Depth     int   // the most folders a file may sit in
}

// DefaultLimits suit one student's submission.
var DefaultLimits = Limits{Entries: 2000, FileBytes: 8 << 20, Total: 64 << 20, Depth: 6}

// File is one regular file of an archive.
type File struct {
	Name     string    // slash-separated, cleaned, relative ("exercises/sec63/mirror_pad.go")
	Modified time.Time // as the archive records it
	Data     []byte
}

// Skipped is an entry Walk did not hand over, and why.
type Skipped struct {
	Name, Why string
}

// ErrTooLarge is returned (wrapped) when an archive exceeds a limit.
var ErrTooLarge = errors.New("archive too large")

// Walk reads the archive b and calls fn for each regular file, in the
// archive's order. Entries it will not hand over (a symbolic link, a name that
// leaves the archive's folder, a file too large) are returned as Skipped. An
// archive that is not a zip, or that exceeds lim.Entries or lim.Total, is an
// error; so is an error fn returns, which stops the walk.
func Walk(b []byte, lim Limits, fn func(File) error) ([]Skipped, error) {
	return WalkReader(bytes.NewReader(b), int64(len(b)), lim, fn)
}

// WalkReader is Walk of an archive read from r, of size bytes (a file too
// large to hold in memory).
func WalkReader(r io.ReaderAt, size int64, lim Limits, fn func(File) error) ([]Skipped, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("safezip.Walk: not a zip archive: %w", err)
	}
	if len(zr.File) > lim.Entries {
		return nil, fmt.Errorf("safezip.Walk: %w: %d entries, at most %d", ErrTooLarge, len(zr.File), lim.Entries)
	}
	var skipped []Skipped
	var total int64
	for _, f := range zr.File {
		name, why := CleanName(f.Name, lim.Depth)
		shown := name
		if why != "" {
			shown = strings.ToValidUTF8(f.Name, "?")
		}
		mode := f.Mode()
		switch {
		case why != "":
		case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
			continue
		case !mode.IsRegular():
			why = "not a regular file (a symbolic link or a special file)"
		case f.UncompressedSize64 > uint64(lim.FileBytes):
			why = fmt.Sprintf("too large (%d bytes; at most %d)", f.UncompressedSize64, lim.FileBytes)
		}
		if why != "" {
			skipped = append(skipped, Skipped{Name: shown, Why: why})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			skipped = append(skipped, Skipped{Name: name, Why: "cannot be read: " + err.Error()})
			continue
		}
		// The header's size may lie: read one byte more than allowed.
		data, err := io.ReadAll(io.LimitReader(rc, min(lim.FileBytes, lim.Total-total)+1))
		rc.Close()
		if err != nil {
			skipped = append(skipped, Skipped{Name: name, Why: "cannot be read: " + err.Error()})
			continue
		}
		if int64(len(data)) > lim.FileBytes {
			skipped = append(skipped, Skipped{Name: name, Why: fmt.Sprintf("too large (more than %d bytes)", lim.FileBytes)})
			continue
		}
		total += int64(len(data))
		if total > lim.Total {
			return skipped, fmt.Errorf("safezip.Walk: %w: more than %d bytes uncompressed", ErrTooLarge, lim.Total)
		}
		if err := fn(File{Name: name, Modified: f.Modified, Data: data}); err != nil {
			return skipped, err
		}
	}
	return skipped, nil
}

// CleanName returns an entry's name as a clean relative slash-separated path,
// or why it is refused: empty, absolute, with a drive letter, a backslash, a
// NUL or a control character, invalid UTF-8, a ".." element, or more than
// depth folders deep.
func CleanName(name string, depth int) (string, string) {
	switch {
	case name == "" || strings.Trim(name, "/") == "":
		return "", "an empty name"
	case !utf8.ValidString(name):
		return "", "a name that is not UTF-8"
	case strings.ContainsAny(name, "\\\x00") || strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return "", "a name with a backslash or a control character"
	case strings.HasPrefix(name, "/") || len(name) > 1 && name[1] == ':':
		return "", "an absolute name"
	}
	for _, el := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if el == ".." {
			return "", "a name that leaves the archive's folder (..)"
		}
	}
	clean := path.Clean(name)
	if strings.Count(clean, "/") > depth {
		return "", fmt.Sprintf("more than %d folders deep", depth)
	}
	return clean, ""
}
