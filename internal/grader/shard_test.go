package grader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"1/1", Shard{1, 1}, ""},
		{"2/5", Shard{2, 5}, ""},
		{"0/5", Shard{}, `got "0/5", want i/n`},
		{"6/5", Shard{}, `got "6/5"`},
		{"2/5x", Shard{}, `got "2/5x"`},
		{"two", Shard{}, `got "two"`},
	} {
		got, err := ParseShard(c.in)
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got)
	}
}

// TestShardsPartitionAClass: every student is in exactly one shard, whatever n.
func TestShardsPartitionAClass(t *testing.T) {
	names := []string{"alice", "bob", "carol", "dave", "eve", "_odd", "名字", "x y"}
	for n := 1; n <= 4; n++ {
		for _, s := range names {
			in := 0
			for i := 1; i <= n; i++ {
				if (Shard{i, n}).Has(s) {
					in++
				}
			}
			assert.Equal(t, 1, in, "%q with n = %d", s, n)
		}
	}
}

// fakeShard writes what a sharded run writes: a gradebook, a manifest and reports.
func fakeShard(t *testing.T, dir string, sh Shard, class []string, rows map[string]string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var graded []*StudentResult
	gb := "student,6.3-1,total\n"
	for _, s := range class {
		if row, ok := rows[s]; ok {
			gb += s + "," + row + "\n"
			graded = append(graded, &StudentResult{Student: s})
			require.NoError(t, os.MkdirAll(filepath.Join(dir, ReportDir(s)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, ReportDir(s), "feedback.md"), []byte("# "+s), 0o644))
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, GradebookFile), []byte(gb), 0o644))
	require.NoError(t, WriteShardManifest(dir, sh, class, graded))
}

func TestMergeShards(t *testing.T) {
	class := []string{"alice", "bob", "carol"}
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	fakeShard(t, a, Shard{1, 2}, class, map[string]string{"alice": "2,2", "carol": "0,0"})
	fakeShard(t, b, Shard{2, 2}, class, map[string]string{"bob": "1,1"})
	out := filepath.Join(base, "out")
	require.NoError(t, MergeShards([]string{b, a}, out))
	gb, err := os.ReadFile(filepath.Join(out, GradebookFile))
	require.NoError(t, err)
	assert.Equal(t, "student,6.3-1,total\nalice,2,2\nbob,1,1\ncarol,0,0\n", string(gb))
	for _, s := range class {
		fb, err := os.ReadFile(filepath.Join(out, s, "feedback.md"))
		require.NoError(t, err)
		assert.Equal(t, "# "+s, string(fb))
	}

	// What merging refuses.
	c := filepath.Join(base, "c")
	fakeShard(t, c, Shard{2, 2}, class, map[string]string{"bob": "1,1", "carol": "0,0"})
	d := filepath.Join(base, "d")
	fakeShard(t, d, Shard{2, 2}, class, map[string]string{})
	e := filepath.Join(base, "e")
	fakeShard(t, e, Shard{2, 2}, []string{"alice", "bob"}, map[string]string{"bob": "1,1"})
	for _, tc := range []struct {
		outs []string
		want string
	}{
		{[]string{a}, "shard 2/2 is missing"},
		{[]string{a, a}, "appears twice"},
		{[]string{a, c}, `student "carol" is in two shards`},
		{[]string{a, d}, "no gradebook row for bob"},
		{[]string{a, e}, "another class folder"},
		{[]string{base}, "has no shard.json"},
		{nil, "got none"},
	} {
		err := MergeShards(tc.outs, filepath.Join(base, "refused"))
		assert.ErrorContains(t, err, tc.want, strings.Join(tc.outs, " "))
	}
}
