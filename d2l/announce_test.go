package d2l

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAnnounceOncePerKernel checks that the backend notice repeats in plain programs but is
// written once per GoNB kernel (per $GONB_TMP_DIR), unless it changes.
func TestAnnounceOncePerKernel(t *testing.T) {
	saved := backendLog
	defer func() { backendLog = saved }()
	kernelDir := t.TempDir()
	tests := []struct {
		name   string
		gonb   string // GONB_TMP_DIR; "" outside a notebook
		line   string
		writes bool
	}{
		{"outside a notebook", "", "d2l: backend A", true},
		{"outside a notebook, again", "", "d2l: backend A", true},
		{"first cell of a kernel", kernelDir, "d2l: backend A", true},
		{"next cell, same backend", kernelDir, "d2l: backend A", false},
		{"next cell, other backend", kernelDir, "d2l: backend B", true},
		{"another kernel", t.TempDir(), "d2l: backend B", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GONB_TMP_DIR", tc.gonb)
			var buf bytes.Buffer
			backendLog = &buf
			announce(tc.line)
			if tc.writes {
				assert.Equal(t, tc.line+"\n", buf.String())
			} else {
				assert.Empty(t, buf.String())
			}
		})
	}
}
