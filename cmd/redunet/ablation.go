package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
)

// runAblation runs the ablation name at a scale and writes its report into
// dir (checked like repro's -out first; removed again if the run fails).
func runAblation(ctx context.Context, e *env, name, scale, dir string, seed uint64, workers int, quiet, force bool, lim memLimit) error {
	var w io.Writer = e.stdout
	if quiet {
		w = io.Discard
	}
	var cfgs []experiment.Config
	var err error
	switch name {
	case experiment.DepthStudyName:
		cfgs, err = experiment.DepthStudyConfigs(scale)
	case experiment.AssignStudyName, experiment.ParamsStudyName, experiment.TiedStudyName:
		cfgs, err = experiment.AssignStudyConfigs(scale)
	default:
		return usagef("unknown ablation %q", name)
	}
	if err != nil {
		return err
	}
	var in inputs
	for _, c := range cfgs {
		in.addSource(c.Data)
	}
	if err := checkReportFiles(dir, "-out", force, &in, experiment.AblationFiles(name, cfgs)); err != nil {
		return err
	}
	t0 := time.Now()
	fmt.Fprintf(w, "%s (%s scale)\n\n", name, scale)
	var data []*experiment.Data
	var raw []*datasets.Set
	for _, cfg := range cfgs {
		d, train, err := loadExperiment(ctx, cfg, seed, workers, false, lim, name+": "+cfg.Name)
		if err != nil {
			return err
		}
		data, raw = append(data, d), append(raw, train)
	}
	opt := experiment.Options{Seed: seed, Workers: workers, Neighbours: 5}
	switch name {
	case experiment.AssignStudyName:
		return runVariantStudy(ctx, e, w, dir, quiet, t0, func() (*experiment.AssignStudy, error) {
			return experiment.RunAssignStudy(ctx, scale, cfgs, data, opt)
		})
	case experiment.ParamsStudyName:
		return runVariantStudy(ctx, e, w, dir, quiet, t0, func() (*experiment.AssignStudy, error) {
			return experiment.RunParamsStudy(ctx, scale, cfgs, data, opt)
		})
	case experiment.TiedStudyName:
		return runVariantStudy(ctx, e, w, dir, quiet, t0, func() (*experiment.AssignStudy, error) {
			return experiment.RunTiedStudy(ctx, scale, cfgs, data, opt)
		})
	}
	done := newProgress(e, quiet, -1, "building and scoring every depth")
	st, err := experiment.RunDepthStudy(ctx, scale, cfgs, data, raw, experiment.Options{Seed: seed, Workers: workers, Neighbours: 5})
	done.Done()
	if err != nil {
		return err
	}
	for _, n := range st.Nets {
		printDepthCurve(w, n.Curve, experiment.TestSet, fmt.Sprintf("%s, test accuracy of the features by depth", n.Config.Name))
		if _, ok := n.Samples[experiment.ShiftsSet]; ok {
			printDepthCurve(w, n.Curve, experiment.ShiftsSet, fmt.Sprintf("%s, all-shifts accuracy of the features by depth", n.Config.Name))
		}
		fmt.Fprintf(w, "selected on held-out training samples: depth %d\n\n", n.Selected)
	}
	fmt.Fprintf(w, "Answer: %s\n", wrapText(st.Answer, 100))
	if err := experiment.SaveStudy(ctx, dir, st, t0); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nwrote %s/report.md, results.json and %d figures in %.1f s\n\n", dir, len(st.Figures), st.Seconds["total"])
	return nil
}

// runVariantStudy runs a study of variants (the assignment or the
// parameter ablation) and writes its report into dir.
func runVariantStudy(ctx context.Context, e *env, w io.Writer, dir string, quiet bool, t0 time.Time, run func() (*experiment.AssignStudy, error)) error {
	done := newProgress(e, quiet, -1, "building every variant")
	st, err := run()
	done.Done()
	if err != nil {
		return err
	}
	if err := experiment.WriteAssignStudy(w, st); err != nil {
		return err
	}
	if err := experiment.SaveAssignStudy(ctx, dir, st, t0); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s/report.md, results.json and %d figures in %.1f s\n\n", dir, len(st.Figures), st.Seconds["total"])
	return nil
}
