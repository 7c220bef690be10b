// Package chapter6 holds the literate sources of chapter 6 (6.N-slug.md; README.md describes
// the format) and the tests of the notebooks made of them, notebooks/6.N-slug.ipynb and the
// exercise notebooks: every notebook is in sync with its source, its committed outputs are the
// expected ones, its prose and outputs follow the chapter's language rules, and every notebook
// executes headless (jupyter nbconvert with the d2l-go kernel) to the expected outputs again.
// The tests live here, not beside the notebooks, so that Jupyter's file list of notebooks/
// shows the notebooks only.
package chapter6

//go:generate go run ../cmd/d2l gen
