package draw

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// realignedFont returns font i of a TrueType collection (or, when data is a single font, that
// font) as a standalone font file whose tables start on 4-byte boundaries. The fonts package
// golang.org/x/image/font/sfnt rejects tables that do not ("sfnt: invalid table offset"), and
// Debian's wqy-microhei.ttc, the CJK font `d2l setup` installs, has such tables; copied into
// a new file with padding between them, it parses. Checksums are left as they were (sfnt
// ignores them).
func realignedFont(data []byte, i int) ([]byte, error) {
	u32 := func(off int) (uint32, error) {
		if off < 0 || off+4 > len(data) {
			return 0, fmt.Errorf("font file truncated at %d", off)
		}
		return binary.BigEndian.Uint32(data[off:]), nil
	}
	start := 0
	if len(data) >= 12 && string(data[:4]) == "ttcf" {
		n, err := u32(8)
		if err != nil {
			return nil, err
		}
		if i < 0 || uint32(i) >= n {
			return nil, fmt.Errorf("font %d of a collection of %d", i, n)
		}
		o, err := u32(12 + 4*i)
		if err != nil {
			return nil, err
		}
		start = int(o)
	}
	if start+12 > len(data) {
		return nil, fmt.Errorf("font file truncated at %d", start)
	}
	numTables := int(binary.BigEndian.Uint16(data[start+4:]))
	type table struct {
		tag, sum, off, n uint32
	}
	tables := make([]table, numTables)
	for k := range tables {
		rec := start + 12 + 16*k
		var vals [4]uint32
		for f := range vals {
			v, err := u32(rec + 4*f)
			if err != nil {
				return nil, err
			}
			vals[f] = v
		}
		t := table{vals[0], vals[1], vals[2], vals[3]}
		if uint64(t.off)+uint64(t.n) > uint64(len(data)) {
			return nil, fmt.Errorf("table %d runs past the end of the file", k)
		}
		tables[k] = t
	}
	sort.Slice(tables, func(a, b int) bool { return tables[a].tag < tables[b].tag })
	head := 12 + 16*numTables
	out := make([]byte, head, len(data))
	copy(out[:12], data[start:start+12]) // sfnt version, numTables, search fields
	for k, t := range tables {
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		rec := out[12+16*k:]
		binary.BigEndian.PutUint32(rec[0:], t.tag)
		binary.BigEndian.PutUint32(rec[4:], t.sum)
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], t.n)
		out = append(out, data[t.off:t.off+t.n]...)
	}
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	return out, nil
}
