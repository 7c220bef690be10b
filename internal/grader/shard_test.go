package grader

import (
	"context"
	"encoding/json"
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

// fakeShard writes what a sharded run writes: records and reports of the
// students it graded (scores given by rows: student -> score of 6.3-1) and a manifest.
func fakeShard(t *testing.T, cat *Catalog, dir string, sh Shard, class []string, rows map[string]int) {
	t.Helper()
	var graded []*StudentResult
	for _, s := range class {
		if score, ok := rows[s]; ok {
			graded = append(graded, &StudentResult{Student: s, Score: score, Max: 3, Exercises: []*ExerciseResult{
				{ID: "6.3-1", Title: "t", Kind: KindCode, Score: score, Max: 3},
			}})
		}
	}
	_, err := UpdateReports(dir, cat, graded, ReportOptions{})
	require.NoError(t, err)
	require.NoError(t, WriteShardManifest(dir, sh, class, graded))
}

func TestMergeShards(t *testing.T) {
	_, cat := testLayout(t)
	class := []string{"alice", "bob", "carol"}
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	fakeShard(t, cat, a, Shard{1, 2}, class, map[string]int{"alice": 2, "carol": 0})
	fakeShard(t, cat, b, Shard{2, 2}, class, map[string]int{"bob": 1})
	out := filepath.Join(base, "out")
	require.NoError(t, MergeShards([]string{b, a}, out))
	gb, err := os.ReadFile(filepath.Join(out, GradebookFile))
	require.NoError(t, err)
	assert.Equal(t, "student,name,id,6.3-1,auto,manual,late_penalty,total,max,report,note\n,,,3,3,0,,3,3,,满分 / maximum\n"+
		"alice,,,2,2,0,,2,3,alice,\nbob,,,1,1,0,,1,3,bob,\ncarol,,,0,0,0,,0,3,carol,\n", string(gb))
	for _, s := range class {
		fb, err := os.ReadFile(filepath.Join(out, s, "feedback.md"))
		require.NoError(t, err)
		assert.Contains(t, string(fb), "Feedback: "+s)
		assert.FileExists(t, filepath.Join(out, s, RecordFile))
	}

	// What merging refuses.
	c := filepath.Join(base, "c")
	fakeShard(t, cat, c, Shard{2, 2}, class, map[string]int{"bob": 1, "carol": 0})
	d := filepath.Join(base, "d")
	fakeShard(t, cat, d, Shard{2, 2}, class, map[string]int{})
	e := filepath.Join(base, "e")
	fakeShard(t, cat, e, Shard{2, 2}, []string{"alice", "bob"}, map[string]int{"bob": 1})
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

// TestShardMergeEqualsSingleRun grades a small class once, and again as two shards merged:
// the gradebooks are byte for byte the same, and so is every student's results.json.
func TestShardMergeEqualsSingleRun(t *testing.T) {
	if testing.Short() {
		t.Skip("grades a class three times; skipped with -short")
	}
	l, cat := testLayout(t)
	subs := t.TempDir()
	ref := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(l.Solutions, "sec63", name))
		require.NoError(t, err)
		return RewriteImports(b)
	}
	students := map[string]map[string][]byte{
		"alice": {"out_shape.go": ref("out_shape.go"), "mirror_pad.go": ref("mirror_pad.go")},
		"bob":   {},
		"carol": {"out_shape.go": []byte("package sec63\n\nfunc ConvOutputShape(h, w, kh, kw, ph, pw, sh, sw int) (oh, ow int) { return h, w }\n")},
		"dave":  {"mirror_pad.go": ref("mirror_pad.go")},
		"erin":  {"out_shape.go": ref("out_shape.go")},
	}
	for name, files := range students {
		require.NoError(t, os.MkdirAll(filepath.Join(subs, name, "sec63"), 0o755))
		for f, b := range files {
			require.NoError(t, os.WriteFile(filepath.Join(subs, name, "sec63", f), b, 0o644))
		}
	}
	opt := Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, Only: []string{"6.3-1", "6.3-4"}}
	grade := func(out string, sh Shard) {
		o := opt
		o.Shard = sh
		res, err := GradeAll(context.Background(), subs, o)
		require.NoError(t, err)
		require.NoError(t, WriteReports(out, cat, res))
		if sh.N > 1 {
			class, err := ClassMembers(subs)
			require.NoError(t, err)
			require.NoError(t, WriteShardManifest(out, sh, class, res))
			t.Logf("shard %d/%d: %d students", sh.I, sh.N, len(res))
		}
	}
	base := t.TempDir()
	single, s1, s2, merged := filepath.Join(base, "single"), filepath.Join(base, "s1"), filepath.Join(base, "s2"), filepath.Join(base, "merged")
	grade(single, Shard{})
	grade(s1, Shard{1, 2})
	grade(s2, Shard{2, 2})
	require.NoError(t, MergeShards([]string{s1, s2}, merged))
	want, err := os.ReadFile(filepath.Join(single, GradebookFile))
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(merged, GradebookFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	assert.Contains(t, string(want), "\nalice,", "the single run graded the class")
	for name := range students {
		w, err := os.ReadFile(filepath.Join(single, name, "results.json"))
		require.NoError(t, err)
		g, err := os.ReadFile(filepath.Join(merged, name, "results.json"))
		require.NoError(t, err, name)
		assert.JSONEq(t, withoutTime(t, w), withoutTime(t, g), name)
		w, err = os.ReadFile(filepath.Join(single, name, "feedback.md"))
		require.NoError(t, err)
		g, err = os.ReadFile(filepath.Join(merged, name, "feedback.md"))
		require.NoError(t, err)
		assert.Equal(t, string(w), string(g), "%s: the report of a submission does not change from run to run", name)
	}
}

// withoutTime is a results.json without its execution time (each run's own).
func withoutTime(t *testing.T, b []byte) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	delete(m, "execution_time")
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}
