package rules

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// coverRule is a camera_coverage rule and its open alerts, by area code.
type coverRule struct {
	rule   Rule
	min    float64
	active map[string]*dropAlert
}

// dropAlert is a coverage drop raised and not yet cancelled.
type dropAlert struct {
	id     string
	status event.Status
}

// camState is what the engine last heard of a camera.
type camState struct {
	offline bool
	t       time.Time
}

// cameraCode returns the camera's code from the event's subject or source
// ("camera:<code>").
func cameraCode(e event.Event) string {
	for _, s := range []string{e.Subject, e.Source} {
		if code, ok := strings.CutPrefix(s, "camera:"); ok && code != "" {
			return code
		}
	}
	return ""
}

// camera handles camera.offline and camera.online: the camera leaves or
// rejoins the coverage; an area whose share falls below a rule's MinShare
// raises rule.coverage_drop, and the drop is cancelled when the area is
// back at MinShare or above.
func (g *Engine) camera(e event.Event, out []event.Event) []event.Event {
	if len(g.covers) == 0 || g.env.Coverage == nil {
		return out
	}
	code := cameraCode(e)
	if code == "" {
		return out
	}
	online := e.Type == "camera.online"
	cs := g.cams[code]
	if cs != nil && e.Time.Before(cs.t) || (cs == nil || !cs.offline) == online {
		return out
	}
	before, after, ok := g.env.Coverage.SetOnline(code, online)
	if !ok {
		return out
	}
	if cs == nil {
		cs = &camState{}
		g.cams[code] = cs
	}
	cs.offline, cs.t = !online, e.Time
	areas := sortedKeys(after)
	for _, c := range g.covers {
		for _, area := range areas {
			b, had := before[area]
			a := after[area]
			if !had || math.IsNaN(a) || math.IsNaN(b) {
				continue
			}
			if !online {
				if b >= c.min && a < c.min && c.active[area] == nil {
					out = g.raiseDrop(out, c, code, area, b, a, e)
				}
				continue
			}
			if d := c.active[area]; d != nil && a >= c.min {
				out = g.raiseRestored(out, c, d, code, area, b, a, e)
				delete(c.active, area)
			}
		}
	}
	return out
}

// areaShape is the geometry of an area's alert: its polygon, else the
// camera's position.
func (g *Engine) areaShape(area string, e event.Event) orb.Geometry {
	if p, ok := g.env.Zones[area]; ok && event.CheckGeometry(p) == nil && len(p) > 0 {
		return p
	}
	if p, ok := e.Geometry.(orb.Point); ok {
		return p
	}
	return nil
}

func (g *Engine) areaName(area string) string {
	if n := g.env.ZoneNames[area]; n != "" {
		return n
	}
	return area
}

func pct(share float64) float64 { return math.Round(share*1000) / 10 }

func (g *Engine) raiseDrop(out []event.Event, c *coverRule, camera, area string, before, after float64, e event.Event) []event.Event {
	name := g.areaName(area)
	n := len(out)
	out = raise(out, c.rule, "camera:"+camera+":"+area, e.Time, event.Event{
		Type:     TypeCoverageDrop,
		Severity: severity(c.rule, event.Moderate),
		Status:   e.Status,
		Geometry: g.areaShape(area, e),
		Title:    g.env.title("drop", name, pct(after), camera),
		Description: fmt.Sprintf("Camera %s went offline at %s: key area %s (%s) is seen at its required level over %.1f%% of its ground, down from %.1f%%; the rule alerts below %.0f%%.",
			camera, g.clock(e.Time), name, area, pct(after), pct(before), pct(c.min)),
		Properties: map[string]any{"zone": area, "camera": camera, "before_pct": pct(before), "after_pct": pct(after), "min_share": c.min},
	})
	if len(out) > n {
		c.active[area] = &dropAlert{id: out[n].ID, status: out[n].Status}
	}
	return out
}

// raiseRestored cancels a drop alert: the console clears it.
func (g *Engine) raiseRestored(out []event.Event, c *coverRule, d *dropAlert, camera, area string, before, after float64, e event.Event) []event.Event {
	name := g.areaName(area)
	ce := event.Event{
		ID:         clipID(d.id + ":cancel"),
		Type:       TypeCoverageDrop,
		Severity:   severity(c.rule, event.Moderate),
		Status:     d.status,
		Time:       e.Time,
		Geometry:   g.areaShape(area, e),
		Source:     SourcePrefix + c.rule.ID,
		Title:      g.env.title("back", name, pct(after), camera),
		Subject:    d.id,
		Op:         event.Cancel,
		References: []string{d.id},
		Properties: map[string]any{"rule": c.rule.ID, "kind": string(c.rule.Kind), "zone": area, "camera": camera,
			"before_pct": pct(before), "after_pct": pct(after), "min_share": c.min},
	}
	if err := ce.Validate(); err != nil {
		return out
	}
	return append(out, ce)
}
