"""The element order of the MSPDI schema (Project 2010+), for writing elements in sequence."""

from __future__ import annotations


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PROJECT_ORDER = _names(
    """
SaveVersion BuildNumber Name GUID Title Subject Category Company Manager Author CreationDate
Revision LastSaved ScheduleFromStart StartDate FinishDate FYStartDate CriticalSlackLimit
CurrencyDigits CurrencySymbol CurrencyCode CurrencySymbolPosition CalendarUID DefaultStartTime
DefaultFinishTime MinutesPerDay MinutesPerWeek DaysPerMonth DefaultTaskType DefaultFixedCostAccrual
DefaultStandardRate DefaultOvertimeRate DurationFormat WorkFormat EditableActualCosts
HonorConstraints EarnedValueMethod InsertedProjectsLikeSummary MultipleCriticalPaths
NewTasksEffortDriven NewTasksEstimated SplitsInProgressTasks SpreadActualCost SpreadPercentComplete
TaskUpdatesResource FiscalYearStart WeekStartDay MoveCompletedEndsBack MoveRemainingStartsBack
MoveRemainingStartsForward MoveCompletedEndsForward BaselineForEarnedValue
AutoAddNewResourcesAndTasks StatusDate CurrentDate MicrosoftProjectServerURL Autolink
NewTaskStartDate NewTasksAreManual DefaultTaskEVMethod ProjectExternallyEdited ExtendedCreationDate
ActualsInSync RemoveFileProperties AdminProject UpdateManuallyScheduledTasksWhenEditingLinks
KeepTaskOnNearestWorkingTimeWhenMadeAutoScheduled Views Filters Groups Tables Maps Reports Drawings
DataLinks VBAProjects OutlineCodes WBSMasks ExtendedAttributes Calendars Tasks Resources Assignments
"""
)

TASK_ORDER = _names(
    """
UID GUID ID Name Active Manual Type IsNull CreateDate Contact WBS WBSLevel OutlineNumber
OutlineLevel Priority Start Finish Duration ManualStart ManualFinish ManualDuration DurationFormat
Work Stop Resume ResumeValid EffortDriven Recurring OverAllocated Estimated Milestone Summary
DisplayAsSummary Critical IsSubproject IsSubprojectReadOnly SubprojectName ExternalTask
ExternalTaskProject EarlyStart EarlyFinish LateStart LateFinish StartVariance FinishVariance
WorkVariance FreeSlack StartSlack FinishSlack TotalSlack FixedCost FixedCostAccrual PercentComplete
PercentWorkComplete Cost OvertimeCost OvertimeWork ActualStart ActualFinish ActualDuration
ActualCost ActualOvertimeCost ActualWork ActualOvertimeWork RegularWork RemainingDuration
RemainingCost RemainingWork RemainingOvertimeCost RemainingOvertimeWork ACWP CV ConstraintType
CalendarUID ConstraintDate Deadline LevelAssignments LevelingCanSplit LevelingDelay
LevelingDelayFormat PreLeveledStart PreLeveledFinish Hyperlink HyperlinkAddress HyperlinkSubAddress
IgnoreResourceCalendar Notes HideBar Rollup BCWS BCWP PhysicalPercentComplete EarnedValueMethod
PredecessorLink ActualWorkProtected ActualOvertimeWorkProtected ExtendedAttribute Baseline
OutlineCode IsPublished StatusManager CommitmentStart CommitmentFinish CommitmentType
"""
)

RESOURCE_ORDER = _names(
    """
UID GUID ID Name Type IsNull Initials Phonetics NTAccount MaterialLabel Code Group WorkGroup
EmailAddress Hyperlink HyperlinkAddress HyperlinkSubAddress MaxUnits PeakUnits OverAllocated
AvailableFrom AvailableTo Start Finish CanLevel AccrueAt Work RegularWork OvertimeWork ActualWork
RemainingWork ActualOvertimeWork RemainingOvertimeWork PercentWorkComplete StandardRate
StandardRateFormat Cost OvertimeRate OvertimeRateFormat OvertimeCost CostPerUse ActualCost
ActualOvertimeCost RemainingCost RemainingOvertimeCost WorkVariance CostVariance SV CV ACWP
CalendarUID Notes BCWS BCWP IsGeneric IsInactive IsEnterprise BookingType ActualWorkProtected
ActualOvertimeWorkProtected ActiveDirectoryGUID CreationDate ExtendedAttribute Baseline OutlineCode
CostCenter IsCostResource AssnOwner AssnOwnerGuid IsBudget AvailabilityPeriods Rates TimephasedData
"""
)

RESOURCE_COMPUTED = _names(
    """
ID PeakUnits OverAllocated Start Finish Work RegularWork OvertimeWork ActualWork RemainingWork
ActualOvertimeWork RemainingOvertimeWork PercentWorkComplete Cost OvertimeCost ActualCost
ActualOvertimeCost RemainingCost RemainingOvertimeCost WorkVariance CostVariance SV CV ACWP BCWS BCWP
"""
)
"""Resource elements Project derives from the tasks (roll-ups of work and cost): not kept, since
they would be stale once the plan changes; Project recomputes them when it opens the file."""
