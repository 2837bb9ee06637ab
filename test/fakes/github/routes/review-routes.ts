import { notFound } from "../http-error.ts";
import { paginate } from "../paginate.ts";
import type { RepoRecord, ReviewRecord } from "../records.ts";
import { reviewCommentJson, reviewJson } from "../github-json.ts";
import { pullParam } from "../route-lookups.ts";
import type { Router } from "../router.ts";
import { addReaction } from "./issue-routes.ts";

// Pull-request reviews and their inline comments, as people submit them (see `PeopleActions`): the
// app only reads them, and reacts to a comment it obeyed.
export function addReviewRoutes(router: Router): void {
  router.add("GET", "/repos/:owner/:repo/pulls/:number/reviews", "installation", ({ world, repo, params, query }) => {
    const pull = pullParam(repo, params.number);
    const all = [...repo.reviews.values()].filter((review) => review.pullNumber === pull.number).sort((a, b) => a.id - b.id);
    const page = paginate(all, query, `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/pulls/${pull.number}/reviews`);
    return { status: 200, body: page.items.map((review) => reviewJson(world.state, repo, review)), headers: page.headers };
  });

  router.add("GET", "/repos/:owner/:repo/pulls/:number/reviews/:review", "installation", ({ world, repo, params }) => ({
    status: 200,
    body: reviewJson(world.state, repo, reviewParam(repo, params.number, params.review)),
  }));

  router.add("GET", "/repos/:owner/:repo/pulls/:number/reviews/:review/comments", "installation", ({ world, repo, params, query }) => {
    const review = reviewParam(repo, params.number, params.review);
    const all = [...repo.reviewComments.values()].filter((comment) => comment.reviewId === review.id).sort((a, b) => a.id - b.id);
    const pageUrl = `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/pulls/${review.pullNumber}/reviews/${review.id}/comments`;
    const page = paginate(all, query, pageUrl);
    return { status: 200, body: page.items.map((comment) => reviewCommentJson(world.state, repo, comment)), headers: page.headers };
  });

  router.add("GET", "/repos/:owner/:repo/pulls/:number/comments", "installation", ({ world, repo, params, query }) => {
    const pull = pullParam(repo, params.number);
    const all = [...repo.reviewComments.values()].filter((comment) => comment.pullNumber === pull.number).sort((a, b) => a.id - b.id);
    const page = paginate(all, query, `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/pulls/${pull.number}/comments`);
    return { status: 200, body: page.items.map((comment) => reviewCommentJson(world.state, repo, comment)), headers: page.headers };
  });

  router.add("POST", "/repos/:owner/:repo/pulls/comments/:id/reactions", "installation", (ctx) => {
    const comment = /^\d+$/.test(ctx.params.id ?? "") ? ctx.repo.reviewComments.get(Number(ctx.params.id)) : undefined;
    if (!comment) throw notFound();
    return addReaction(ctx, comment.reactions);
  });
}

function reviewParam(repo: RepoRecord, number: string | undefined, raw: string | undefined): ReviewRecord {
  const pull = pullParam(repo, number);
  const review = /^\d+$/.test(raw ?? "") ? repo.reviews.get(Number(raw)) : undefined;
  if (!review || review.pullNumber !== pull.number) throw notFound();
  return review;
}
