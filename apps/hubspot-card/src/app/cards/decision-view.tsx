// One decision as the card shows it: intent and confidence, route, escalation score and its reasons, the handoff summary
// and next step, the suggested reply with its sources and missing facts, and the escalation's state.
import {
  Alert,
  DescriptionList,
  DescriptionListItem,
  Divider,
  Flex,
  Heading,
  Link,
  List,
  StatusTag,
  Tag,
  Text,
} from "@hubspot/ui-extensions";
import type { CardDecision, CardResponse, Route, ScoreReason, SuggestedReply } from "./contract";

type TagVariant = "default" | "warning" | "success" | "error" | "info";
type StatusVariant = "danger" | "warning" | "info" | "success" | "default";

const ROUTE_TAGS: Record<Route, { label: string; variant: TagVariant }> = {
  automate: { label: "Automate", variant: "success" },
  assist: { label: "Assist", variant: "info" },
  human: { label: "Human", variant: "warning" },
  urgent: { label: "Urgent", variant: "error" },
};

const ESCALATION_STATUS: Record<string, StatusVariant> = {
  open: "danger",
  claimed: "info",
  snoozed: "warning",
  resolved: "success",
};

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

export function signedPoints(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

function Reason({ reason }: { reason: ScoreReason }) {
  return (
    <Flex direction="column" gap="flush">
      <Text>
        <Text inline format={{ fontWeight: "demibold" }}>
          {signedPoints(reason.points)}
        </Text>{" "}
        {reason.label}
      </Text>
      {reason.evidence.length > 0 && <Text variant="microcopy">{reason.evidence.map((item) => `“${item}”`).join(" · ")}</Text>}
    </Flex>
  );
}

function Suggestion({ suggestion }: { suggestion: SuggestedReply }) {
  return (
    <Flex direction="column" gap="xs">
      <Heading>Suggested reply ({percent(suggestion.confidence)})</Heading>
      <Text>{suggestion.text}</Text>
      {suggestion.sources.length > 0 && (
        <Flex direction="column" gap="flush">
          <Text variant="microcopy" format={{ fontWeight: "demibold" }}>
            Sources
          </Text>
          <List variant="unordered">
            {suggestion.sources.map((source, index) =>
              source.url ? (
                <Link key={index} href={source.url}>
                  {source.title}
                </Link>
              ) : (
                <Text key={index}>{source.title}</Text>
              ),
            )}
          </List>
        </Flex>
      )}
      {suggestion.missing.length > 0 && (
        <Alert title="Fill in before sending" variant="warning">
          {suggestion.missing.join("; ")}
        </Alert>
      )}
    </Flex>
  );
}

export function DecisionView({
  decision,
  escalation,
  ticketUrl,
}: {
  decision: CardDecision;
  escalation?: CardResponse["escalation"];
  ticketUrl?: string;
}) {
  const route = ROUTE_TAGS[decision.route] ?? { label: decision.route, variant: "default" };
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="xs" align="center" wrap>
        <Tag variant={route.variant}>{route.label}</Tag>
        {escalation && (
          <StatusTag variant={ESCALATION_STATUS[escalation.state] ?? "default"}>
            {escalation.state === "claimed" && escalation.claimedBy
              ? `Claimed by ${escalation.claimedBy}`
              : `Escalation ${escalation.state}`}
          </StatusTag>
        )}
      </Flex>
      <Text variant="microcopy">{decision.routeReason}</Text>
      <DescriptionList direction="row">
        <DescriptionListItem label="Intent">
          <Text>
            {decision.intent} ({percent(decision.confidence)})
          </Text>
        </DescriptionListItem>
        <DescriptionListItem label="Escalation score">
          <Text>{decision.score} / 100</Text>
        </DescriptionListItem>
        <DescriptionListItem label="Priority">
          <Text>{decision.priority}</Text>
        </DescriptionListItem>
        {decision.team ? (
          <DescriptionListItem label="Team">
            <Text>{decision.team}</Text>
          </DescriptionListItem>
        ) : null}
      </DescriptionList>
      {decision.reasons.length > 0 && (
        <Flex direction="column" gap="xs">
          <Heading>Why this score</Heading>
          {decision.reasons.map((reason, index) => (
            <Reason key={index} reason={reason} />
          ))}
        </Flex>
      )}
      {(decision.summary || decision.nextStep) && <Divider />}
      {decision.summary && (
        <DescriptionList direction="column">
          <DescriptionListItem label="Summary">
            <Text>{decision.summary}</Text>
          </DescriptionListItem>
        </DescriptionList>
      )}
      {decision.nextStep && (
        <DescriptionList direction="column">
          <DescriptionListItem label="Next step">
            <Text>{decision.nextStep}</Text>
          </DescriptionListItem>
        </DescriptionList>
      )}
      {decision.suggestion && (
        <>
          <Divider />
          <Suggestion suggestion={decision.suggestion} />
        </>
      )}
      <Text variant="microcopy">
        Decided {new Date(decision.decidedAt).toLocaleString()} · language {decision.language}
      </Text>
      {ticketUrl && <Link href={ticketUrl}>Open the ticket</Link>}
    </Flex>
  );
}
