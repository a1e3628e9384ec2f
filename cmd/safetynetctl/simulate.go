package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"safetynet/feeds/client"
	"safetynet/feeds/event"
	"safetynet/feeds/simulate"
)

// cmdSimulate plays a realistic stream of events for the community in a
// store: patrols walking their routes and reporting positions and
// checkpoints, a few alarms an hour from cameras, gates, smoke detectors
// and equipment (most minor, many false: cancelled or back to normal soon
// after, now and then a detector chattering), a camera going offline and
// back; a drill ends with drill.end.
func cmdSimulate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	db := fs.String("db", "", "the community's GeoPackage (patrol_routes, checkpoints, cameras, access_points, ...)")
	hf := newHubFlags(fs)
	duration := fs.Duration("duration", time.Minute, "how long to play")
	rate := fs.Float64("rate", 5, "events per second")
	speed := fs.Float64("speed", 5, "how many times faster than walking pace the patrols move")
	seed := fs.Uint64("seed", 1, "random seed: the same seed plays the same story")
	drill := fs.Bool("drill", false, "mark every event as an exercise, and end the drill (drill.end) at the end")
	def := simulate.DefaultRates()
	perHour := fs.Float64("alarms-per-hour", def.PerHour, "alarms an hour of simulated time (a compound sees a few)")
	falseShare := fs.Float64("false-share", def.FalseShare, "share of the alarms that are false: cancelled or back to normal soon after")
	extremeShare := fs.Float64("extreme-share", def.ExtremeShare, "share of the alarms that are extreme (ISA-18.2: about 5 %)")
	severeShare := fs.Float64("severe-share", def.SevereShare, "share of the alarms that are severe (about 15 %); the rest are moderate and minor")
	accel := fs.Float64("accel", def.Accel, "how many times faster than real time alarms come, for tests and demos (60: an hour's alarms a minute)")
	language := fs.String("lang", "en", "language of the events' titles and names: en or zh")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: simulate takes no arguments, got %q", errUsage, pos[0])
	}
	if !slices.Contains(simulate.Languages(), *language) {
		return fmt.Errorf("%w: --lang must be en or zh, not %q", errUsage, *language)
	}
	if err := needDB("simulate", *db); err != nil {
		return err
	}
	opt, err := hf.options("simulate")
	if err != nil {
		return err
	}
	switch {
	case *duration <= 0:
		return fmt.Errorf("%w: --duration must be positive", errUsage)
	case !(*rate > 0 && *rate <= 10000):
		return fmt.Errorf("%w: --rate must be above 0 and at most 10000 events per second", errUsage)
	case !(*speed > 0 && *speed <= 1000):
		return fmt.Errorf("%w: --speed must be above 0 and at most 1000", errUsage)
	case !(*perHour >= 0 && *perHour <= 100000):
		return fmt.Errorf("%w: --alarms-per-hour must be from 0 to 100000", errUsage)
	case !(*falseShare >= 0 && *falseShare <= 1):
		return fmt.Errorf("%w: --false-share must be from 0 to 1", errUsage)
	case !(*extremeShare >= 0 && *severeShare >= 0 && *extremeShare+*severeShare <= 1):
		return fmt.Errorf("%w: --extreme-share and --severe-share must be from 0 to 1 and together at most 1", errUsage)
	case !(*accel > 0 && *accel <= 100000):
		return fmt.Errorf("%w: --accel must be above 0 and at most 100000", errUsage)
	}
	s, err := openExisting(*db)
	if err != nil {
		return err
	}
	sim, err := simulate.New(ctx, s, simulate.Options{Seed: *seed, Speed: *speed, Drill: *drill, Language: *language,
		Rates: simulate.Rates{PerHour: *perHour, FalseShare: *falseShare, ExtremeShare: *extremeShare, SevereShare: *severeShare, Accel: *accel}})
	s.Close()
	if err != nil {
		return fmt.Errorf("simulate %s: %w", *db, err)
	}

	var mu sync.Mutex
	var acked, refused int
	var firstErr string
	opt.MinBackoff, opt.MaxBackoff = 100*time.Millisecond, 2*time.Second
	pub := client.NewPublisher(opt, 1024, func(_ []byte, a client.Ack) {
		mu.Lock()
		defer mu.Unlock()
		if err := a.Err(); err != nil {
			refused++
			if firstErr == "" {
				firstErr = err.Error()
			}
			return
		}
		acked++
	})
	runCtx, stopPub := context.WithCancel(ctx)
	defer stopPub()
	runErr := make(chan error, 1)
	go func() { runErr <- pub.Run(runCtx) }()

	start := time.Now()
	sim.Start(start, *duration)
	tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
	defer tick.Stop()
	end := time.NewTimer(*duration)
	defer end.Stop()
	sent := 0
	// send publishes e; false when the publisher is closing.
	send := func(e event.Event) (bool, error) {
		data, err := event.Encode(e)
		if err != nil {
			return false, fmt.Errorf("simulate: %w", err)
		}
		if err := pub.Publish(ctx, data); err != nil {
			return false, nil
		}
		sent++
		return true, nil
	}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-runErr:
			return fmt.Errorf("simulate: %w", err)
		case <-end.C:
			// The story ends: a drill is declared over.
			for _, e := range sim.Finish(time.Now()) {
				if ok, err := send(e); err != nil {
					return err
				} else if !ok {
					break
				}
			}
			break loop
		case now := <-tick.C:
			if ok, err := send(sim.Next(now)); err != nil {
				return err
			} else if !ok {
				break loop
			}
		}
	}
	// Wait for the acknowledgements of what was sent.
	wait := time.NewTimer(30 * time.Second)
	defer wait.Stop()
	for pub.Pending() > 0 {
		select {
		case err := <-runErr:
			return fmt.Errorf("simulate: %w", err)
		case <-wait.C:
			return fmt.Errorf("simulate: %d of %d events not acknowledged by %s after 30 s", pub.Pending(), sent, client.RedactURL(opt.URL))
		case <-time.After(10 * time.Millisecond):
		}
	}
	stopPub()
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(stdout, "sent %d events in %.1fs to %s: %s; %d acknowledged, %d refused\n",
		sent, time.Since(start).Seconds(), client.RedactURL(opt.URL), sim.Summary(), acked, refused)
	if refused > 0 {
		return fmt.Errorf("simulate: the hub refused %d events, the first: %s", refused, firstErr)
	}
	return nil
}
