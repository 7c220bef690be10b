package grader

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// A class can be graded in shards on several machines: `d2l grade -shard i/n` grades the
// students whose folder name falls in shard i of n, and `d2l grade -merge OUT1 OUT2 ...`
// combines the shards' outputs into one gradebook, the same as a single run's.

// ShardFile is the manifest a sharded run writes next to its gradebook: which shard it
// is, and every student folder of the class it saw, so that merging can tell a missing
// shard or student from a complete class.
const ShardFile = "shard.json"

// Shard names one part of a class: shard I of N (1 <= I <= N).
type Shard struct {
	I, N int
}

// ParseShard reads "i/n" (e.g. "2/5").
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.I, &sh.N); err != nil || sh.N < 1 || sh.I < 1 || sh.I > sh.N || fmt.Sprintf("%d/%d", sh.I, sh.N) != s {
		return Shard{}, fmt.Errorf("grader.ParseShard: argument shard: got %q, want i/n with 1 <= i <= n, e.g. 2/5", s)
	}
	return sh, nil
}

// Has reports whether the student folder name belongs to the shard: a hash of the name
// modulo N, so that a student's shard does not depend on who else is in the class.
func (sh Shard) Has(student string) bool {
	if sh.N <= 1 {
		return true
	}
	h := fnv.New32a()
	_, _ = io.WriteString(h, student)
	return int(h.Sum32()%uint32(sh.N)) == sh.I-1
}

// shardManifest is the content of ShardFile.
type shardManifest struct {
	Shard    int      `json:"shard"`
	Of       int      `json:"of"`
	Class    []string `json:"class"`    // every student folder of the class, sorted
	Students []string `json:"students"` // the ones this shard graded, sorted
}

// WriteShardManifest writes OUT/shard.json for a sharded run over the class folder dir.
func WriteShardManifest(out string, sh Shard, class []string, graded []*StudentResult) error {
	m := shardManifest{Shard: sh.I, Of: sh.N, Class: slices.Sorted(slices.Values(class))}
	for _, r := range graded {
		m.Students = append(m.Students, r.Student)
	}
	sort.Strings(m.Students)
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(out, ShardFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("grader.WriteShardManifest: %w", err)
	}
	return nil
}

// ClassMembers lists the entries of a submissions folder that get a gradebook row
// (everything but regular files, as GradeAll does).
func ClassMembers(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("grader.ClassMembers: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// MergeShards combines the outputs of the n shards of one class (in any order) into out:
// each student's report folder (with its record), then every report rebuilt from the
// records, so that out is what a single run writes. It refuses a missing or repeated
// shard, shards of different classes or graded with different catalogs, a student graded
// twice or not at all.
func MergeShards(outs []string, out string) error {
	const fn = "grader.MergeShards"
	if len(outs) == 0 {
		return fmt.Errorf("%s: argument outs: got none, want the output folders of every shard", fn)
	}
	from := map[string]string{} // student -> the shard output that graded them
	var class []string
	var catalog []byte
	seen := map[int]string{}
	n := 0
	for _, dir := range outs {
		b, err := os.ReadFile(filepath.Join(dir, ShardFile))
		if err != nil {
			return fmt.Errorf("%s: %s has no %s (was it graded with -shard i/n?): %w", fn, dir, ShardFile, err)
		}
		var m shardManifest
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s: %s: %w", fn, filepath.Join(dir, ShardFile), err)
		}
		if n == 0 {
			n, class = m.Of, m.Class
		}
		switch {
		case m.Of != n:
			return fmt.Errorf("%s: %s is shard %d of %d, but another folder is a shard of %d", fn, dir, m.Shard, m.Of, n)
		case !slices.Equal(m.Class, class):
			return fmt.Errorf("%s: %s was graded over another class folder (its student list differs)", fn, dir)
		case seen[m.Shard] != "":
			return fmt.Errorf("%s: shard %d/%d appears twice: %s and %s", fn, m.Shard, n, seen[m.Shard], dir)
		}
		seen[m.Shard] = dir
		cb, err := os.ReadFile(filepath.Join(dir, CatalogFile))
		if err != nil {
			return fmt.Errorf("%s: %s has no %s: %w", fn, dir, CatalogFile, err)
		}
		if catalog == nil {
			catalog = cb
		} else if !bytes.Equal(cb, catalog) {
			return fmt.Errorf("%s: %s was graded with another catalog than %s (other exercises or tests?)", fn, dir, outs[0])
		}
		for _, s := range m.Students {
			if prev, ok := from[s]; ok {
				return fmt.Errorf("%s: student %q is in two shards (%s and %s)", fn, DisplayName(s), prev, dir)
			}
			from[s] = dir
		}
	}
	for i := 1; i <= n; i++ {
		if seen[i] == "" {
			return fmt.Errorf("%s: shard %d/%d is missing", fn, i, n)
		}
	}
	var missing []string
	for _, s := range class {
		if from[s] == "" {
			missing = append(missing, DisplayName(s))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: no gradebook row for %s (interrupted shard?)", fn, strings.Join(missing, ", "))
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	for _, student := range class {
		src := filepath.Join(from[student], ReportDir(student))
		if _, err := os.Stat(filepath.Join(src, RecordFile)); err != nil {
			return fmt.Errorf("%s: %s has no record of %s: %w", fn, from[student], DisplayName(student), err)
		}
		dst := filepath.Join(out, ReportDir(student))
		if err := os.RemoveAll(dst); err != nil {
			return fmt.Errorf("%s: %w", fn, err)
		}
		if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
			return fmt.Errorf("%s: %w", fn, err)
		}
	}
	if err := writeFileAtomic(filepath.Join(out, CatalogFile), catalog); err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	if c, err := ReadCourse(outs[0]); err == nil && fileExists(filepath.Join(outs[0], CourseFile)) {
		if err := WriteCourse(out, c); err != nil {
			return err
		}
	}
	_, err := RebuildReports(out, ReportOptions{})
	return err
}

// readGradebook reads a gradebook.csv: its header and rows.
func readGradebook(path string) ([]string, [][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil || len(all) == 0 {
		return nil, nil, fmt.Errorf("%s: not a gradebook: %v", path, err)
	}
	return all[0], all[1:], nil
}
