package grader

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Module paths of the repository and of the generated exercises module.
const (
	RepoModule      = "github.com/d2l-go/d2l-go"
	ExercisesModule = RepoModule + "/exercises"
	solutionsPrefix = RepoModule + "/solutions/"
	exercisesPrefix = ExercisesModule + "/"
)

// HiddenTag is the build tag of the hidden tests.
const HiddenTag = "d2lgrader"

// Marker lines of a solution region.
const (
	BeginSolution = "// BEGIN SOLUTION"
	EndSolution   = "// END SOLUTION"
)

// Layout names the folders of a checkout that the generator and grader use.
type Layout struct {
	Root      string // repository root (go.mod of RepoModule)
	Solutions string // Root/solutions
	Hidden    string // Root/internal/grader/hidden
	Exercises string // Root/exercises
	Notebooks string // Root/notebooks/exercises
}

// NewLayout returns the standard layout under root.
func NewLayout(root string) Layout {
	return Layout{
		Root:      root,
		Solutions: filepath.Join(root, "solutions"),
		Hidden:    filepath.Join(root, "internal", "grader", "hidden"),
		Exercises: filepath.Join(root, "exercises"),
		Notebooks: filepath.Join(root, "notebooks", "exercises"),
	}
}

// FindRoot walks up from dir to the folder whose go.mod declares RepoModule.
func FindRoot(dir string) (string, error) { return FindModule(dir, RepoModule) }

// FindModule walks up from dir to the folder whose go.mod declares module.
func FindModule(dir, module string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module "+module+"\n")) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("grader.FindModule: argument dir: got %q, want a folder inside module %s", dir, module)
		}
		d = parent
	}
}

// RewriteImports turns imports of solutions/… into imports of exercises/….
func RewriteImports(src []byte) []byte {
	return bytes.ReplaceAll(src, []byte(`"`+solutionsPrefix), []byte(`"`+exercisesPrefix))
}

// Stub replaces every solution region of a reference Go file by a panic that
// names the exercise, drops the imports that only the solution used, and
// formats the result. A region must sit inside a function body.
func Stub(src []byte, exerciseID string) ([]byte, error) {
	var out []string
	in := false
	for i, line := range strings.Split(string(src), "\n") {
		trim := strings.TrimSpace(line)
		switch {
		case trim == BeginSolution:
			if in {
				return nil, fmt.Errorf("grader.Stub: line %d: got a nested %q, want %q first", i+1, BeginSolution, EndSolution)
			}
			in = true
			indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			out = append(out, indent+fmt.Sprintf("panic(%s)", strconv.Quote("TODO: 练习 "+exerciseID)))
		case trim == EndSolution:
			if !in {
				return nil, fmt.Errorf("grader.Stub: line %d: got %q without %q", i+1, EndSolution, BeginSolution)
			}
			in = false
		case !in:
			out = append(out, line)
		}
	}
	if in {
		return nil, fmt.Errorf("grader.Stub: got %q without %q", BeginSolution, EndSolution)
	}
	return dropUnusedImports([]byte(strings.Join(out, "\n")))
}

// dropUnusedImports removes named-by-path imports that no selector uses.
func dropUnusedImports(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "stub.go", src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("grader.Stub: %w", err)
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		specs := gd.Specs[:0]
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			p, _ := strconv.Unquote(is.Path.Value)
			name := filepath.Base(p)
			if v := strings.TrimPrefix(name, "v"); v != name && isDigits(v) { // math/rand/v2
				name = filepath.Base(filepath.Dir(p))
			}
			if is.Name != nil {
				name = is.Name.Name
			}
			if name == "_" || name == "." || used[name] {
				specs = append(specs, s)
			}
		}
		gd.Specs = specs
	}
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && len(gd.Specs) == 0 {
			continue
		}
		decls = append(decls, d)
	}
	f.Decls = decls
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, fmt.Errorf("grader.Stub: %w", err)
	}
	return format.Source(buf.Bytes())
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// StripAnswers removes the answer and rubric blocks of a section README.
func StripAnswers(md []byte) []byte {
	var out []string
	skip := false
	for _, line := range strings.Split(string(md), "\n") {
		switch strings.TrimSpace(line) {
		case beginAnswer, beginRubric:
			skip = true
			continue
		case endAnswer, endRubric:
			skip = false
			continue
		}
		if !skip {
			out = append(out, line)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// exercisesGoMod returns the go.mod of the generated exercises module: it
// builds against the library of the surrounding checkout (replace => ../) and
// lists the checkout's requirements so that its packages resolve offline. Its go
// and toolchain directives are the checkout's.
func exercisesGoMod(rootGoMod []byte) []byte {
	goVersion, toolchain := "1.27", ""
	for _, line := range strings.Split(string(rootGoMod), "\n") {
		t := strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(t, "go "); ok {
			goVersion = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(t, "toolchain "); ok {
			toolchain = "\ntoolchain " + strings.TrimSpace(v) + "\n"
		}
	}
	var sb strings.Builder
	sb.WriteString("module " + ExercisesModule + "\n\ngo " + goVersion + "\n" + toolchain + "\nrequire " + RepoModule + " v0.0.0-00010101000000-000000000000\n\nrequire (\n")
	in := false
	for _, line := range strings.Split(string(rootGoMod), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "require (":
			in = true
		case t == ")":
			in = false
		case in && t != "":
			mod, _, _ := strings.Cut(t, " //")
			sb.WriteString("\t" + mod + " // indirect\n")
		case strings.HasPrefix(t, "require ") && !strings.HasSuffix(t, "("):
			mod, _, _ := strings.Cut(strings.TrimPrefix(t, "require "), " //")
			sb.WriteString("\t" + mod + " // indirect\n")
		}
	}
	sb.WriteString(")\n\nreplace " + RepoModule + " => ../\n")
	return []byte(sb.String())
}

// GeneratedFiles returns every file of exercises/ (paths relative to it), built
// from solutions/: stubs, public tests, helpers, section READMEs without answers,
// the student catalog, go.mod and go.sum.
func GeneratedFiles(l Layout) (map[string][]byte, error) {
	cat, err := LoadCatalog(l.Solutions, l.Hidden)
	if err != nil {
		return nil, err
	}
	rootMod, err := os.ReadFile(filepath.Join(l.Root, "go.mod"))
	if err != nil {
		return nil, fmt.Errorf("grader.GeneratedFiles: %w", err)
	}
	files := map[string][]byte{
		"go.mod":       exercisesGoMod(rootMod),
		"catalog.json": cat.ForStudents().JSON(),
		"README.md":    []byte(exercisesReadme),
	}
	sum, err := os.ReadFile(filepath.Join(l.Root, "go.sum"))
	if err != nil {
		return nil, fmt.Errorf("grader.GeneratedFiles: %w", err)
	}
	files["go.sum"] = sum
	for _, dir := range []string{"grid", "testutil"} {
		if err := copyGoDir(filepath.Join(l.Solutions, dir), dir, files); err != nil {
			return nil, err
		}
	}
	for _, section := range cat.Sections() {
		if a := AnswersTemplate(cat, section); a != nil {
			files[section+"/"+AnswersFile] = a
		}
		src := filepath.Join(l.Solutions, section)
		entries, err := os.ReadDir(src)
		if err != nil {
			return nil, fmt.Errorf("grader.GeneratedFiles: %w", err)
		}
		for _, en := range entries {
			name := en.Name()
			b, err := os.ReadFile(filepath.Join(src, name))
			if err != nil {
				return nil, fmt.Errorf("grader.GeneratedFiles: %w", err)
			}
			switch {
			case name == "README.md":
				files[section+"/"+name] = StripAnswers(b)
			case strings.HasSuffix(name, "_test.go"):
				files[section+"/"+name] = RewriteImports(b)
			case strings.HasSuffix(name, ".go"):
				files[section+"/"+name] = []byte(cat.Stubs[section+"/"+name])
			}
		}
	}
	return files, nil
}

// generated returns the files of exercises/ and of notebooks/exercises/.
func generated(l Layout) (files, notebooks map[string][]byte, err error) {
	files, err = GeneratedFiles(l)
	if err != nil {
		return nil, nil, err
	}
	cat, err := LoadCatalog(l.Solutions, l.Hidden)
	if err != nil {
		return nil, nil, err
	}
	notebooks, err = GeneratedNotebooks(cat, files, KernelLanguageInfo(filepath.Join(l.Root, "notebooks")))
	if err != nil {
		return nil, nil, err
	}
	files[ManifestFile] = manifest(l, files, notebooks)
	return files, notebooks, nil
}

// outputSet is one folder gen-exercises writes (exercises/ or notebooks/exercises/) and its
// files, by path relative to it.
type outputSet struct {
	base  string
	files map[string][]byte
}

// outputSets pairs the generated files with their folders.
func outputSets(l Layout, files, notebooks map[string][]byte) []outputSet {
	return []outputSet{{l.Exercises, files}, {l.Notebooks, notebooks}}
}

// ManifestFile (in exercises/) lists the SHA-256 of every file gen-exercises writes, as
// "sum  path" lines with paths relative to the repository root (exercises/…,
// notebooks/exercises/…). Generate overwrites or removes only files whose content still has
// the sum it wrote: a file changed since (a solved stub, a run notebook) or one it did not
// write (a helper someone added) is someone's work.
const ManifestFile = ".generated"

// manifest returns the content of ManifestFile for the generated files.
func manifest(l Layout, files, notebooks map[string][]byte) []byte {
	var lines []string
	for _, set := range outputSets(l, files, notebooks) {
		prefix, _ := filepath.Rel(l.Root, set.base)
		for rel, b := range set.files {
			if rel == ManifestFile {
				continue
			}
			lines = append(lines, fmt.Sprintf("%x  %s", sha256.Sum256(b), filepath.ToSlash(filepath.Join(prefix, rel))))
		}
	}
	sort.Strings(lines)
	return []byte("# Written by `d2l gen-exercises`: the SHA-256 of each file it generated. It overwrites or removes\n" +
		"# only files that still have these sums; changed ones are kept unless it runs with -force.\n" +
		strings.Join(lines, "\n") + "\n")
}

// readManifest reads the sums of a ManifestFile (path relative to the root -> hex sum); nil
// when there is none.
func readManifest(l Layout) map[string]string {
	b, err := os.ReadFile(filepath.Join(l.Exercises, ManifestFile))
	if err != nil {
		return nil
	}
	sums := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if sum, path, ok := strings.Cut(line, "  "); ok && !strings.HasPrefix(line, "#") {
			sums[path] = sum
		}
	}
	return sums
}

// ErrChanged marks Generate's refusal to overwrite or remove files someone changed.
var ErrChanged = errors.New("changed since gen-exercises wrote them")

func copyGoDir(src, rel string, files map[string][]byte) error {
	paths, _ := filepath.Glob(filepath.Join(src, "*.go"))
	if len(paths) == 0 {
		return fmt.Errorf("grader.GeneratedFiles: got no Go files in %s", src)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel+"/"+filepath.Base(p)] = RewriteImports(b)
	}
	return nil
}

// Generate rewrites exercises/ (and the exercise notebooks) from solutions/, removing files
// that are no longer generated. It returns the paths written. Unless force, it first makes
// sure it loses nobody's work: a file it would overwrite or remove must still be what it last
// wrote (ManifestFile); otherwise it writes nothing and returns an error wrapping ErrChanged
// that names those files.
func Generate(l Layout, force bool) ([]string, error) {
	files, nbs, err := generated(l)
	if err != nil {
		return nil, err
	}
	sets := outputSets(l, files, nbs)
	if !force {
		sums := readManifest(l)
		var changed []string
		for _, s := range sets {
			prefix, _ := filepath.Rel(l.Root, s.base)
			_ = filepath.WalkDir(s.base, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				rel, _ := filepath.Rel(s.base, p)
				rel = filepath.ToSlash(rel)
				if rel == ManifestFile {
					return nil
				}
				cur, err := os.ReadFile(p)
				if err != nil {
					return nil
				}
				if want, ok := s.files[rel]; ok && bytes.Equal(cur, want) {
					return nil // nothing to write
				}
				key := filepath.ToSlash(filepath.Join(prefix, rel))
				if sums[key] != fmt.Sprintf("%x", sha256.Sum256(cur)) {
					changed = append(changed, key)
				}
				return nil
			})
		}
		if len(changed) > 0 {
			sort.Strings(changed)
			return nil, fmt.Errorf("grader.Generate: %s: %w (someone's work: solved stubs, run notebooks, added files); "+
				"move them away or commit them, or run gen-exercises -force to overwrite and remove them", strings.Join(changed, ", "), ErrChanged)
		}
	}
	var written []string
	write := func(base string, set map[string][]byte) error {
		// Remove stale generated files first.
		err := filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(base, p)
			if _, ok := set[filepath.ToSlash(rel)]; !ok {
				return os.Remove(p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := filepath.Join(base, filepath.FromSlash(k))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, set[k]) {
				continue
			}
			if err := os.WriteFile(p, set[k], 0o644); err != nil {
				return err
			}
			written = append(written, p)
		}
		return nil
	}
	for _, s := range sets {
		if err := write(s.base, s.files); err != nil {
			return nil, fmt.Errorf("grader.Generate: %w", err)
		}
	}
	return written, nil
}

const exercisesReadme = `# 第 6 章练习（学生版）

本目录由 ` + "`d2l gen-exercises`" + ` 从参考答案自动生成，请只修改各节目录（sec61 … sec66）里
标有 ` + "`panic(\"TODO: …\")`" + ` 的函数，不要改测试文件。

- 每节的题目见 ` + "`secNN/README.md`" + `；每道代码题对应一个 Go 文件，文字题的答案写在
  ` + "`secNN/ANSWERS.md`" + `（每道题的「答：」下面），评分时交给老师人工评分。
- 自查：在本目录运行 ` + "`go run ../cmd/d2l check`" + `（或 ` + "`d2l check 6.3-4`" + ` 只查一题，` + "`--json`" + ` 输出 JSON）。
  它运行公开测试，逐题显示 PASS/FAIL、得分，以及还剩几个隐藏测试（评分时才运行）。
  一个文件编译不通过只让它那道题得 0 分，同一节的其他题照常检查（评分时也是这样）。
- 也可以在 ` + "`notebooks/exercises/`" + ` 的 GoNB 笔记本里作答：编辑解答单元格，运行 ` + "`%test`" + ` 单元格自查；
  Go 文件没有改动而解答单元格改过的题，` + "`d2l check`" + ` 读取笔记本里的单元格。
- 提交：本目录打成一个 zip、作答过的笔记本，或修改过的 Go 文件加 ` + "`ANSWERS.md`" + `（可以直接拖进上传框），任选其一。
- 解答只能导入题目需要的包（标准库的 math、sort、strings 等和本项目的包）；其他导入会让这道题得 0 分并说明原因。
  提交中的 *_test.go 与 go.mod 会被忽略。
`

// Stale returns the generated files (under exercises/ and notebooks/exercises/)
// that differ from what Generate would write, are missing, or are left over.
func Stale(l Layout) ([]string, error) {
	files, nbs, err := generated(l)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, set := range outputSets(l, files, nbs) {
		prefix, _ := filepath.Rel(l.Root, set.base)
		for rel, want := range set.files {
			got, err := os.ReadFile(filepath.Join(set.base, filepath.FromSlash(rel)))
			if err != nil || !bytes.Equal(got, want) {
				stale = append(stale, filepath.ToSlash(filepath.Join(prefix, rel)))
			}
		}
		_ = filepath.WalkDir(set.base, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(set.base, p)
			if _, ok := set.files[filepath.ToSlash(rel)]; !ok {
				stale = append(stale, filepath.ToSlash(filepath.Join(prefix, rel))+" (not generated)")
			}
			return nil
		})
	}
	sort.Strings(stale)
	return stale, nil
}
