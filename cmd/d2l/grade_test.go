package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGradeRefusesOverlap: d2l grade refuses, in one line and before grading
// anything, an output folder inside the submissions or the reverse.
func TestGradeRefusesOverlap(t *testing.T) {
	subs := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(subs, "alice"), 0o755))
	for _, tc := range []struct{ name, subs, out string }{
		{"out inside submissions", subs, filepath.Join(subs, "reports")},
		{"out equal to submissions", subs, subs},
		{"submissions inside out", subs, filepath.Dir(subs)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stderr := os.Stderr
			r, w, err := os.Pipe()
			require.NoError(t, err)
			os.Stderr = w
			var out bytes.Buffer
			code := run(context.Background(), []string{"grade", "-submissions", tc.subs, "-out", tc.out}, &out)
			os.Stderr = stderr
			require.NoError(t, w.Close())
			var errOut bytes.Buffer
			_, _ = errOut.ReadFrom(r)
			msg := strings.TrimSpace(out.String() + errOut.String())
			assert.NotEqual(t, 0, code)
			assert.Contains(t, msg, "inside")
			assert.Equal(t, 1, strings.Count(msg, "\n")+1, "one line: %q", msg)
			_, err = os.Stat(filepath.Join(subs, "reports"))
			assert.True(t, os.IsNotExist(err), "nothing written")
		})
	}
}
