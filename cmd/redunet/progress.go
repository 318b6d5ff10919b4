package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a long step has come on stderr, when stderr is a
// terminal and the command is not quiet; otherwise it does nothing. Lines
// printed while a bar is shown go through Println, which clears the bar
// first so that the two do not mix.
type progress struct {
	bar *progressbar.ProgressBar
}

// interactive reports whether w is a terminal.
func interactive(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress starts a bar of total steps (−1: a spinner) described by desc.
func newProgress(e *env, quiet bool, total int, desc string) *progress {
	if quiet || !interactive(e.stderr) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)}
}

// Add advances the bar by n steps.
func (p *progress) Add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

// Clear removes the bar from the terminal before other output.
func (p *progress) Clear() {
	if p.bar != nil {
		p.bar.Clear()
	}
}

// Done removes the bar for good.
func (p *progress) Done() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
