import {
  contractMarker,
  currentPlan,
  describeRevision,
  isRevision,
  noticeMarker,
  questionsMarker,
  renderContract,
  renderQuestions,
  type Mission,
} from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { estimateFor } from "./estimate-for.ts";
import { postCommentOnce } from "./post-comment-once.ts";

export async function postNotice(context: StepContext, mission: Mission, key: string): Promise<Mission> {
  const notice = mission.notices.find((candidate) => candidate.key === key)!;
  const marker = noticeMarker(mission.id, key);
  const commentId = await postCommentOnce(context, mission, marker, `${notice.body}\n${marker}`);
  return { ...mission, notices: mission.notices.map((candidate) => (candidate.key === key ? { ...candidate, commentId } : candidate)) };
}

export async function postQuestions(context: StepContext, mission: Mission): Promise<Mission> {
  const round = mission.conversation.filter((entry) => entry.kind === "question").length;
  const during = mission.questions?.during === "work" && mission.questions.milestoneId ? { milestoneId: mission.questions.milestoneId } : undefined;
  const body = renderQuestions(mission.id, mission.questions?.items ?? [], round, during);
  const commentId = await postCommentOnce(context, mission, questionsMarker(mission.id, round), body);
  return { ...mission, questions: { ...mission.questions, items: mission.questions?.items ?? [], commentId } };
}

export async function postContract(context: StepContext, mission: Mission, version: number): Promise<Mission> {
  const contract = mission.contracts.find((candidate) => candidate.version === version)!;
  const before = isRevision(mission, version) ? currentPlan(mission) : undefined;
  const revision = before ? { version: mission.approvedVersion!, plan: before, mission, changes: describeRevision(before, contract.plan) } : undefined;
  const body = renderContract(mission.id, contract, mission.issue.title, revision, await estimateFor(context, mission, contract.plan));
  const commentId = await postCommentOnce(context, mission, contractMarker(mission.id, version), body);
  return {
    ...mission,
    contracts: mission.contracts.map((candidate) => (candidate.version === version ? { ...candidate, commentId } : candidate)),
  };
}
