package demo

import (
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// ScenarioCode is the code of the demo community's drill scenario.
const ScenarioCode = "DR-FIRE-EBIKE"

// Scenario returns the demo community's drill scenario: a night-time fire
// in the e-bike charging shed (key area KA-EBIKE, the hazard HZ-02 of its
// register): the shed's smoke detector, the analytics of camera CAM-065,
// a resident's call, an escalation when the first alarm is not
// acknowledged within 2 minutes, the evacuation of Building 130 next
// door, the nearest hydrant (FE-014), and the fire brigade at the East
// Gate; 11 injects with Chinese and English texts, scored against the
// 1-3-5 norm. Every location code is a feature of Community. The result
// is new on every call and the same on every call.
func Scenario() store.Scenario {
	min := func(m, s int) time.Duration { return time.Duration(m)*time.Minute + time.Duration(s)*time.Second }
	tx := func(zh, en string) store.Texts { return store.Texts{Text: zh, TextZh: zh, TextEn: en} }
	created := time.Date(2026, 5, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	return store.Scenario{
		Code:  ScenarioCode,
		Names: names("电动自行车充电棚夜间火灾", "Night-time fire at the e-bike charging shed"),
		Description: tx("夜间22:00，东门附近电动自行车充电棚内电池热失控起火，烟雾蔓延至相邻的130号楼。微型消防站值班人员须按“1-3-5”要求响应、疏散130号楼并利用最近的室外消火栓供水，直至消防救援队伍到场。",
			"At 22:00 a battery in the e-bike charging shed by the East Gate goes into thermal runaway and catches fire; smoke drifts to Building 130 next door. The micro fire station's shift responds to the 1-3-5 norm, evacuates Building 130 and brings water from the nearest outdoor hydrant until the fire brigade arrives."),
		Exercises: "HZ-02",
		Norm:      store.NormMFS135,
		Objectives: []store.Objective{
			{Code: "O1", Text: tx("报警1分钟内确认，3分钟内到场处置", "Alarm acknowledged within 1 minute, a unit on scene within 3"), Capability: "fire-fighting"},
			{Code: "O2", Text: tx("130号楼居民疏散至中心广场集合点", "Building 130 evacuated to the Central Square assembly point"), Capability: "evacuation"},
			{Code: "O3", Text: tx("利用最近的室外消火栓出水", "Water from the nearest outdoor hydrant"), Capability: "fire-fighting"},
			{Code: "O4", Text: tx("引导消防救援队伍自东门进入", "Fire brigade guided in through the East Gate"), Capability: "coordination"},
		},
		Injects: []store.Inject{
			{Number: "1", Offset: 0, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "severe",
				Title:   tx("电动自行车充电棚烟感报警", "Smoke detector alarm, e-bike charging shed"),
				Message: tx("充电棚1号烟感探测器报警。", "Smoke detector 1 in the e-bike charging shed is in alarm."),
				Format:  store.FormatJSON, LocationCode: "KA-EBIKE", Source: "sensor:SD-EBIKE-1",
				From: "fire alarm panel", To: "console", Method: "alarm", Controller: "controller 1",
				Expect:         store.Expect{AckWithin: time.Minute, AssignWithin: 2 * time.Minute, OnSceneWithin: 3 * time.Minute, ResolveWithin: 15 * time.Minute},
				ExpectedAction: tx("确认报警，派微型消防站人员携灭火器到场。", "Acknowledge, send the micro fire station's crew with extinguishers."),
				Objective:      "O1"},
			{Number: "2", Offset: min(0, 40), Timed: true, Kind: store.InjectPrimary, Type: "fire.alarm", Severity: "extreme",
				Title:   tx("充电棚南摄像机识别到明火", "Camera analytics: flames at the shed"),
				Message: tx("CAM-065（充电棚 南）视频分析识别到烟雾和明火。", "CAM-065 (e-bike shed south) analytics detect smoke and open flame."),
				Format:  store.FormatCoT, LocationCode: "KA-EBIKE", Source: "camera:CAM-065",
				From: "video analytics", To: "console", Method: "alarm", Controller: "controller 1",
				Expect:         store.Expect{AckWithin: time.Minute},
				ExpectedAction: tx("调看CAM-065画面，确认火情。", "Check CAM-065's picture and confirm the fire."),
				Objective:      "O1"},
			{Number: "3", Offset: min(1, 30), Timed: true, Kind: store.InjectPrimary, Type: "fire.alarm", Severity: "severe",
				Title:   tx("居民来电：充电棚着火", "Resident's call: the shed is on fire"),
				Message: tx("130号楼居民来电称充电棚冒出浓烟，火苗可见。", "A resident of Building 130 calls: thick smoke and flames at the charging shed."),
				Format:  store.FormatCAP, LocationCode: "KA-EBIKE", Source: "resident:phone",
				From: "resident (Building 130)", To: "console", Method: "phone", Controller: "controller 2",
				Expect:         store.Expect{AckWithin: time.Minute},
				ExpectedAction: tx("记录来电，安抚居民，告知已派人处置。", "Log the call, reassure the caller, say a crew is on its way."),
				Objective:      "O1"},
			{Number: "1-A", Kind: store.InjectContingent, Type: "fire.smoke", Severity: "extreme",
				Title:   tx("烟感报警2分钟未确认，升级至值班经理", "Smoke alarm unacknowledged for 2 minutes: escalated to the duty manager"),
				Message: tx("充电棚烟感报警超过2分钟无人确认，已通知值班经理。", "The shed's smoke alarm has gone unacknowledged for 2 minutes; the duty manager is called."),
				Format:  store.FormatJSON, LocationCode: "KA-EBIKE", Source: "sensor:SD-EBIKE-1-escalation",
				From: "alarm escalation", To: "duty manager", Method: "alarm", Controller: "controller 1",
				Expect:    store.Expect{AckWithin: 30 * time.Second},
				Objective: "O1", Notes: "only when inject 1 was not acknowledged in time",
				Condition: &store.Condition{After: "1", Missing: store.StepAck, Within: 2 * time.Minute}},
			{Number: "4", Offset: min(3, 0), Timed: true, Kind: store.InjectPrimary, Type: "evacuation.order", Severity: "severe",
				Title:   tx("烟雾蔓延至130号楼，组织疏散", "Smoke reaches Building 130: evacuate"),
				Message: tx("烟雾进入130号楼楼道，需组织居民经北侧出口疏散至中心广场集合点。", "Smoke is in Building 130's stairwell; evacuate the residents by the north exit to the Central Square assembly point."),
				Format:  store.FormatJSON, Geometry: building130(), Location: "130号楼 / Building 130", Source: "drill:controller",
				From: "controller", To: "security team", Method: "radio", Controller: "controller 2",
				Expect:         store.Expect{AckWithin: time.Minute, AssignWithin: 2 * time.Minute, OnSceneWithin: 4 * time.Minute, ResolveWithin: 10 * time.Minute},
				ExpectedAction: tx("派安保队员逐层敲门疏散，清点人数。", "Send guards door to door, count heads at the assembly point."),
				Objective:      "O2"},
			{Number: "5", Offset: min(4, 0), Timed: true, Kind: store.InjectPrimary, Type: "fire.hydrant", Severity: "moderate",
				Title:   tx("连接最近的室外消火栓", "Connect the nearest outdoor hydrant"),
				Message: tx("灭火器不足以控制火势，需从室外消火栓14出水。", "Extinguishers are not enough; bring water from Outdoor Hydrant 14."),
				Format:  store.FormatJSON, LocationCode: "FE-014", Source: "drill:controller",
				From: "crew leader", To: "micro fire station", Method: "radio", Controller: "controller 1",
				Expect:         store.Expect{AckWithin: time.Minute, OnSceneWithin: 3 * time.Minute},
				ExpectedAction: tx("铺设水带，自FE-014出水。", "Lay the hose and open FE-014."),
				Objective:      "O3"},
			{Number: "6", Offset: min(5, 0), Timed: true, Kind: store.InjectContextual,
				Title:        tx("电工切断充电棚电源", "Electrician cuts power to the shed"),
				Message:      tx("物业电工已切断充电棚总电源。", "The property electrician has cut the shed's main power."),
				LocationCode: "KA-EBIKE", From: "electrician", To: "crew leader", Method: "radio", Controller: "controller 2",
				Objective: "O3"},
			{Number: "7", Offset: min(6, 0), Timed: true, Kind: store.InjectContextual, Type: "camera.offline", Severity: "moderate",
				Title:   tx("充电棚北摄像机画面丢失", "E-bike shed north camera lost"),
				Message: tx("CAM-066被浓烟遮挡，画面丢失。", "CAM-066 is blinded by smoke; its picture is lost."),
				Format:  store.FormatJSON, LocationCode: "CAM-066", Source: "camera:CAM-066",
				From: "video platform", To: "console", Method: "alarm", Controller: "controller 1",
				Objective: "O1"},
			{Number: "8", Offset: min(8, 0), Timed: true, Kind: store.InjectContextual,
				Title:    tx("130号楼疏散完毕", "Building 130 evacuated"),
				Message:  tx("130号楼居民已全部到达中心广场集合点，清点无遗漏。", "All residents of Building 130 are at the Central Square assembly point; nobody missing."),
				Location: "中心广场应急避难集合点 / Central Square Assembly Point", From: "security team", To: "console", Method: "radio", Controller: "controller 2",
				Objective: "O2"},
			{Number: "9", Offset: min(10, 0), Timed: true, Kind: store.InjectPrimary, Type: "access.vehicle", Severity: "minor",
				Title:   tx("消防救援车辆到达东门", "Fire engine at the East Gate"),
				Message: tx("消防救援车辆到达东门，需开启道闸并引导至充电棚。", "The fire engine is at the East Gate: open the barrier and guide it to the shed."),
				Format:  store.FormatJSON, LocationCode: "KA-GATE-E", Source: "gate:GATE-E",
				From: "fire brigade", To: "gate guard", Method: "radio", Controller: "controller 1",
				Expect:         store.Expect{AckWithin: time.Minute, OnSceneWithin: 2 * time.Minute},
				ExpectedAction: tx("开启东门，派人引导消防车。", "Open the East Gate, send a guard to lead the engine in."),
				Objective:      "O4"},
			{Number: "10", Offset: min(12, 0), Timed: true, Kind: store.InjectContextual,
				Title:        tx("明火扑灭，现场警戒", "Fire out, scene cordoned off"),
				Message:      tx("消防救援队伍确认明火扑灭，充电棚周边拉起警戒带。", "The fire brigade reports the fire out; the shed is cordoned off."),
				LocationCode: "KA-EBIKE", From: "fire brigade", To: "all", Method: "radio", Controller: "controller 1",
				Objective: "O4"},
		},
		Created: created,
		Updated: created,
	}
}

// building130 is the footprint of Building 130, next to the shed.
func building130() orb.Geometry {
	for _, f := range Community() {
		if b, ok := f.(store.Building); ok && b.NameEn == "Building 130" {
			return b.Geom
		}
	}
	return nil
}
