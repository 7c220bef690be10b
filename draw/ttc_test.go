package draw

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// misalignedTTC packs Go's regular font into a one-font collection whose tables start at odd
// offsets, as in wqy-microhei.ttc.
func misalignedTTC(t *testing.T) []byte {
	t.Helper()
	src := goregular.TTF
	numTables := int(binary.BigEndian.Uint16(src[4:]))
	out := []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10")
	dir := len(out)
	out = append(out, src[:12+16*numTables]...)
	for k := range numTables {
		rec := 12 + 16*k
		off, n := binary.BigEndian.Uint32(src[rec+8:]), binary.BigEndian.Uint32(src[rec+12:])
		out = append(out, 0) // one byte: every table starts misaligned
		if len(out)%4 == 0 {
			out = append(out, 0)
		}
		binary.BigEndian.PutUint32(out[dir+rec+8:], uint32(len(out)))
		out = append(out, src[off:off+n]...)
	}
	return out
}

func TestRealignedFont(t *testing.T) {
	ttc := misalignedTTC(t)
	coll, err := opentype.ParseCollection(ttc)
	require.NoError(t, err)
	_, err = coll.Font(0)
	require.Error(t, err, "sfnt rejects misaligned tables (the bug this works around)")

	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"misaligned collection", ttc},
		{"single font", goregular.TTF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fixed, err := realignedFont(tc.data, 0)
			require.NoError(t, err)
			f, err := opentype.Parse(fixed)
			require.NoError(t, err)
			var buf sfnt.Buffer
			idx, err := f.GlyphIndex(&buf, 'A')
			require.NoError(t, err)
			assert.NotZero(t, idx, "the font has its glyphs")
		})
	}

	_, err = realignedFont(ttc, 1)
	assert.ErrorContains(t, err, "font 1 of a collection of 1")
	_, err = realignedFont(ttc[:40], 0)
	assert.Error(t, err)
}

// TestCJKFontLoads: where one of the CJK fonts of fontFiles is installed (d2l setup installs
// wqy-microhei), the PNG form can draw Chinese text: some loaded font has a glyph for 输.
func TestCJKFontLoads(t *testing.T) {
	installed := false
	for _, path := range fontFiles[1] {
		if _, err := os.Stat(path); err == nil {
			installed = true
		}
	}
	if !installed {
		t.Skip("no CJK font of fontFiles installed")
	}
	var buf sfnt.Buffer
	found := false
	for _, f := range loadFonts() {
		if i, err := f.GlyphIndex(&buf, '输'); err == nil && i != 0 {
			found = true
		}
	}
	assert.True(t, found, "a CJK font is installed but none of the loaded fonts draws 输")
}
