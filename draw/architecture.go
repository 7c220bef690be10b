package draw

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Layer is one layer of a network for Architecture: its Name (e.g. "Conv2d"), an
// optional Detail written under the name in smaller type (e.g. the layer's
// String(), "Conv2d(1, 6, kernel_size=(5, 5), ...)"), and the Shape of its output
// for one example, without the batch dimension (e.g. [6, 28, 28]).
type Layer struct {
	Name, Detail string
	Shape        []int
}

// Architecture draws a network as a column of boxes, as the book's figure of LeNet
// (6.6.2): the input's shape on top, then one box per layer, top to bottom, with an
// arrow between them and the shape of the layer's output written to the right of its
// box. Boxes are coloured by the kind of layer their name names: convolutions blue,
// pooling green, fully connected (Linear, Dense) orange, anything else (activations,
// Flatten) grey. Give the layers from the model itself (its layer list and the shapes
// of an example pushed through it), so that the picture stays true when the model
// changes.
//
// Options: Title (above everything), Labels (one: the input's name, default "输入").
func Architecture(input []int, layers []Layer, opts ...Option) *Figure {
	const fn = "draw.Architecture"
	if len(layers) == 0 {
		fail(fn, "layers", "at least one layer", "none")
	}
	for i, l := range layers {
		if l.Name == "" {
			fail(fn, fmt.Sprintf("layers[%d]", i), "the layer's name", "an empty Name")
		}
	}
	c := newConfig(opts)
	inputName := "输入"
	if len(c.labels) > 0 {
		inputName = c.labels[0]
	}

	const margin, boxH, arrowH, gapX = 12.0, 34.0, 16.0, 14.0
	boxW := 160.0
	for _, l := range layers {
		boxW = math.Max(boxW, textWidth(l.Name, 13)+20)
		boxW = math.Max(boxW, textWidth(l.Detail, 10)+20)
	}
	b := &canvas{}
	y := b.heading(margin, c.title)
	x := margin
	// The input: a plain label with its shape.
	b.group("input", func() {
		b.text(x+boxW/2, y+10, 13, colText, "middle", inputName)
		b.text(x+boxW+gapX, y+10, 13, colText, "start", shapeText(input))
	})
	y += 20
	for _, l := range layers {
		b.line(x+boxW/2, y, x+boxW/2, y+arrowH-4, colStroke, 1.2)
		b.polyline([]float64{x + boxW/2 - 4, y + arrowH - 8, x + boxW/2, y + arrowH - 2, x + boxW/2 + 4, y + arrowH - 8}, colStroke, 1.2)
		y += arrowH
		b.group("layer", func() {
			b.rect(x, y, boxW, boxH, layerFill(l.Name))
			if l.Detail == "" {
				b.text(x+boxW/2, y+boxH/2, 13, colText, "middle", l.Name)
			} else {
				b.text(x+boxW/2, y+11, 13, colText, "middle", l.Name)
				b.text(x+boxW/2, y+25, 10, "#444444", "middle", l.Detail)
			}
			b.text(x+boxW+gapX, y+boxH/2, 13, colText, "start", shapeText(l.Shape))
		})
		y += boxH
	}
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.Name + " " + shapeText(l.Shape)
	}
	desc := fmt.Sprintf("%s: %s %s → %s", fn, inputName, shapeText(input), strings.Join(names, " → "))
	if c.title != "" {
		desc += ", " + c.title
	}
	return newFigure("architecture", b, desc)
}

// shapeText writes a shape as "6×28×28" ("scalar" for none).
func shapeText(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, "×")
}

// layerFill is the colour of a layer's box, by the kind its name names.
func layerFill(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "conv"):
		return "#c6dbef"
	case strings.Contains(n, "pool"):
		return "#c7e9c0"
	case strings.Contains(n, "linear"), strings.Contains(n, "dense"):
		return "#fdd0a2"
	}
	return "#eeeeee"
}
