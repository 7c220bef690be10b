// Package hidden holds the hidden tests of the chapter 6 exercises, one
// directory per section package (sec61 …). They are never copied into
// exercises/ nor into a release: the grader adds them to the external test
// package (package secNN_test) of its build of a submission, beside the
// public tests. They call the student's functions through the section's
// package and compare them with the reference in solutions/ (imported as its
// own package) on seeded random inputs, the reference first and on its own
// copies of the inputs (no stored answers). They declare what they use (a
// hidden test uses nothing a public test declares: the grader's rules check
// refuses the catalog otherwise) and report failures through testutil's
// assertions only, whose blind notes are all a student sees of a hidden test:
// describe inputs by their shapes in the messages, never by their values.
//
// The test files carry the build tag d2lgrader so that `go test ./...` in this
// repository ignores them; they only compile inside a grading workspace.
package hidden
