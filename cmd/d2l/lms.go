package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/d2l-go/d2l-go/internal/grader"
	"github.com/d2l-go/d2l-go/internal/lms"
)

func init() {
	register(&Command{
		Name:    "import",
		Summary: "instructors: turn an LMS's bulk download (Canvas, Moodle, one zip per student) into a class folder (one folder per student) and its roster.csv",
		Usage:   "-from DOWNLOAD(.zip or folder) -to SUBS [-lms auto|canvas|moodle|zips] [-update]",
		Run:     runImport,
	})
	register(&Command{
		Name:    "export",
		Summary: "instructors: write the totals of a graded class as a gradebook Canvas or Moodle imports",
		Usage:   "-out OUT -lms canvas|moodle [-assignment NAME] [-o FILE]",
		Run:     runExport,
	})
}

// runImport implements `d2l import`.
func runImport(_ context.Context, args []string) error {
	c := commands["import"]
	fs := flags(c, os.Stderr)
	from := fs.String("from", "", "the LMS's download: its zip, or the folder it unpacks to")
	to := fs.String("to", "", "the class folder to write (one folder per student, and roster.csv); `d2l grade -submissions` reads it")
	kind := fs.String("lms", lms.Auto, "what made the download: canvas, moodle, zips (one NAME.zip per student) or auto")
	update := fs.Bool("update", false, "replace a student's folder that holds other files (a new download after late submissions); the old folder is moved to SUBS.replaced/")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: -from and -to are required", errUsage)
	}
	r, err := lms.Import(*from, *to, lms.Options{Kind: *kind, Update: *update})
	if err != nil {
		return err
	}
	rosterPath := filepath.Join(*to, grader.RosterFile)
	entries, added, err := mergeRoster(rosterPath, r.Students)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := grader.WriteRoster(&buf, entries); err != nil {
		return err
	}
	if err := os.WriteFile(rosterPath, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("import (%s): %d students in %s; %d new in %s\n", r.Kind, len(r.Students), *to, added, rosterPath)
	var late []string
	for _, s := range r.Students {
		if s.Late {
			late = append(late, s.Folder)
		}
	}
	if len(late) > 0 {
		fmt.Printf("the LMS marked %d submissions late: %s (their files keep the download's times; put the LMS's submission times in the roster's submitted column if they differ)\n", len(late), strings.Join(late, ", "))
	}
	if len(r.Unchanged) > 0 {
		fmt.Printf("already there, unchanged: %d\n", len(r.Unchanged))
	}
	if len(r.Replaced) > 0 {
		fmt.Printf("replaced (old folders in %s.replaced/): %s\n", filepath.Clean(*to), strings.Join(r.Replaced, ", "))
	}
	for _, s := range r.Skipped {
		fmt.Println("skipped:", grader.DisplayName(s))
	}
	if len(r.Kept) > 0 {
		return fmt.Errorf("%d students already have a folder in %s with other files, left as they were: %s (run again with -update to replace them)", len(r.Kept), *to, strings.Join(r.Kept, ", "))
	}
	fmt.Printf("next: fill in the roster's id and email columns if you will export grades (%s), then: d2l grade -submissions %s -out OUT\n", rosterPath, *to)
	return nil
}

// mergeRoster adds the imported students to the roster at path (if any): a
// student already in it keeps the row the teacher may have edited, with an
// empty name or LMS ID filled in.
func mergeRoster(path string, students []*lms.Student) ([]*grader.RosterEntry, int, error) {
	old, err := grader.ReadRoster(path, nil)
	if errors.Is(err, os.ErrNotExist) {
		old, err = map[string]*grader.RosterEntry{}, nil
	}
	if err != nil {
		return nil, 0, err
	}
	added := 0
	for _, s := range students {
		e := old[s.Folder]
		if e == nil {
			e = &grader.RosterEntry{Folder: s.Folder}
			old[s.Folder] = e
			added++
		}
		if e.Name == "" {
			e.Name = s.Name
		}
		if e.LMSID == "" {
			e.LMSID = s.LMSID
		}
	}
	var entries []*grader.RosterEntry
	for _, e := range old {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Folder < entries[j].Folder })
	return entries, added, nil
}

// runExport implements `d2l export`.
func runExport(_ context.Context, args []string) error {
	c := commands["export"]
	fs := flags(c, os.Stderr)
	out := fs.String("out", "", "the output folder of d2l grade")
	kind := fs.String("lms", "", "the gradebook to write: canvas or moodle")
	assignment := fs.String("assignment", "d2l chapter 6", "the assignment's name in the LMS (Canvas: \"Name (number)\" updates that assignment)")
	file := fs.String("o", "", "the file to write (default OUT/<lms>.csv)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || *kind == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: -out and -lms are required", errUsage)
	}
	b, warnings, err := grader.ExportGrades(*out, *kind, *assignment)
	if err != nil {
		return err
	}
	if *file == "" {
		*file = filepath.Join(*out, *kind+".csv")
	}
	if err := os.WriteFile(*file, b, 0o644); err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Println("note:", w)
	}
	fmt.Printf("export: wrote %s (%d students); import it in %s's gradebook\n", *file, bytes.Count(b, []byte("\n"))-map[string]int{"canvas": 2, "moodle": 1}[*kind], *kind)
	return nil
}
