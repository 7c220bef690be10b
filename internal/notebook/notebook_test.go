package notebook_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/internal/notebook"
)

// TestRoundTrip reads a notebook written by jupyter nbconvert (GoNB outputs: streams, a
// compile error, HTML displays) and writes it back byte for byte.
func TestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/nbconvert-executed.ipynb")
	require.NoError(t, err)
	nb, err := notebook.Parse(data)
	require.NoError(t, err)
	require.Len(t, nb.Cells, 8)
	assert.Equal(t, "hello\n", nb.Cells[1].StreamText("stdout"))
	assert.Contains(t, nb.Cells[2].StreamText("stderr"), "panic: boom")
	assert.Equal(t, notebook.Error, nb.Cells[4].Outputs[0].Type)
	out, err := nb.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(data), string(out))
}

func TestPlaceholder(t *testing.T) {
	raw := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	for _, tc := range []struct {
		name string
		out  notebook.Output
		want string
	}{
		{"stream", notebook.Output{Type: notebook.Stream, Name: "stdout", Text: "x"}, ""},
		{"svg beats html", notebook.Output{Type: notebook.DisplayData, Data: map[string]json.RawMessage{"text/html": raw("<b>"), "image/svg+xml": raw("<svg/>")}}, "[display image/svg+xml]"},
		{"html", notebook.Output{Type: notebook.DisplayData, Data: map[string]json.RawMessage{"text/html": raw("<b>hi</b>")}}, "[display text/html]"},
		{"gonbui svg", notebook.Output{Type: notebook.DisplayData, Data: map[string]json.RawMessage{"text/html": raw("<div><svg width=\"3\"></svg></div>")}}, "[display image/svg+xml]"},
		{"html png", notebook.Output{Type: notebook.DisplayData, Data: map[string]json.RawMessage{"text/html": raw(`<img src="data:image/png;base64,AA=="/>`)}}, "[display image/png]"},
		{"png", notebook.Output{Type: notebook.DisplayData, Data: map[string]json.RawMessage{"image/png": raw("AA=="), "text/plain": raw("<img>")}}, "[display image/png]"},
		{"unknown", notebook.Output{Type: notebook.DisplayData, Data: map[string]json.RawMessage{"x/b": raw(""), "x/a": raw("")}}, "[display x/a]"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.out.Placeholder()) })
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"not json", "{", "invalid JSON"},
		{"nbformat 3", `{"nbformat": 3, "cells": []}`, "nbformat: got 3, want 4"},
		{"cell type", `{"nbformat": 4, "cells": [{"cell_type": "weird", "source": ""}]}`, `cell 0: cell_type: got "weird"`},
		{"source type", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}`, "want a string or a list of strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := notebook.Parse([]byte(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestNewMarshal(t *testing.T) {
	nb := notebook.New(map[string]any{"title": "<T> & 图"})
	nb.Cells = append(nb.Cells,
		&notebook.Cell{Type: notebook.Markdown, ID: "m", Source: "a\nb"},
		&notebook.Cell{Type: notebook.Code, ID: "c", Source: ""})
	out, err := nb.Marshal()
	require.NoError(t, err)
	want := `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "m",
   "metadata": {},
   "source": [
    "a\n",
    "b"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "c",
   "metadata": {},
   "outputs": [],
   "source": []
  }
 ],
 "metadata": {
  "title": "<T> & 图"
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	assert.Equal(t, want, string(out))
}
