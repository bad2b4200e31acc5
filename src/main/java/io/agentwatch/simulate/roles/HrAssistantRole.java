package io.agentwatch.simulate.roles;

import static io.agentwatch.simulate.roles.Tools.CALENDAR_LOOKUP;
import static io.agentwatch.simulate.roles.Tools.HEADCOUNT_REPORT;
import static io.agentwatch.simulate.roles.Tools.HRIS_LOOKUP;
import static io.agentwatch.simulate.roles.Tools.HRIS_UPDATE;
import static io.agentwatch.simulate.roles.Tools.READ_CHAT;
import static io.agentwatch.simulate.roles.Tools.READ_DOC;
import static io.agentwatch.simulate.roles.Tools.SEND_CHAT;
import static io.agentwatch.simulate.roles.Tools.WRITE_DOC;

import io.agentwatch.simulate.model.ActivityProfile;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Role;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * HR assistant: answers employees' questions from policies and the HRIS (restricted personal
 * data) over internal chat, updates records, and about once a week prepares a headcount report.
 * Short sessions, many of them. Reading restricted data in {@code hr} and then messaging in
 * {@code corp} is its daily routine.
 */
final class HrAssistantRole implements Role {
    private static final String AUDIENCE = "https://mcp.corp.example/people";

    @Override
    public String name() {
        return "hr-assistant";
    }

    @Override
    public ActivityProfile profile() {
        return ActivityProfile.OFFICE_HOURS;
    }

    @Override
    public double sessionsPerBusyHour() {
        return 1.6;
    }

    @Override
    public Task nextTask(Agent self, Fleet fleet) {
        Rand rand = self.rand();
        double r = rand.uniform(0, 1);
        if (r < 0.025) {
            return headcountReport(rand);
        }
        return r < 0.75 ? answerQuestion(rand) : updateRecord(rand);
    }

    private Task answerQuestion(Rand rand) {
        List<Step> steps = new ArrayList<>();
        String person = Vocabulary.person(rand);
        steps.add(READ_CHAT.on("slack:@" + person));
        for (int i = rand.between(1, 2); i > 0; i--) {
            steps.add(READ_DOC.on("doc:corp/hr-policies/" + rand.pick(Vocabulary.HR_POLICIES)));
        }
        if (rand.chance(0.7)) {
            steps.add(HRIS_LOOKUP.on(Vocabulary.employee(rand)));
        }
        if (rand.chance(0.3)) {
            steps.add(CALENDAR_LOOKUP.on("calendar:" + person));
        }
        steps.add(SEND_CHAT.on("slack:@" + person));
        return new Task("answer an employee's HR question", AUDIENCE,
                List.of("chat:read", "docs:read", "hr:read", "calendar:read", "chat:send"), List.of("corp", "hr"),
                steps);
    }

    private Task updateRecord(Rand rand) {
        List<Step> steps = new ArrayList<>();
        String person = Vocabulary.person(rand);
        steps.add(READ_CHAT.on("slack:@" + person));
        String employee = Vocabulary.employee(rand);
        steps.add(HRIS_LOOKUP.on(employee));
        for (int i = rand.between(1, 2); i > 0; i--) {
            steps.add(HRIS_UPDATE.on(employee + "/" + rand.pick(Vocabulary.HR_FIELDS)));
        }
        if (rand.chance(0.6)) {
            steps.add(SEND_CHAT.on("slack:@" + person));
        }
        return new Task("update an employee record on request", AUDIENCE,
                List.of("chat:read", "hr:read", "hr:write", "chat:send"), List.of("hr", "corp"), steps);
    }

    private Task headcountReport(Rand rand) {
        List<Step> steps = new ArrayList<>();
        steps.add(HEADCOUNT_REPORT.on("report:headcount/" + rand.pick(Vocabulary.WIKI_SPACES)));
        steps.add(WRITE_DOC.on("doc:corp/people/" + Vocabulary.slug("headcount", rand)));
        steps.add(SEND_CHAT.on("slack:#people-leads"));
        return new Task("prepare the weekly headcount report", AUDIENCE,
                List.of("hr:reports", "docs:write", "chat:send"), List.of("hr", "corp"), steps);
    }

    @Override
    public List<Step> sensitiveReads(Rand rand) {
        List<Step> reads = new ArrayList<>();
        for (int i = rand.between(2, 4); i > 0; i--) {
            reads.add(HRIS_LOOKUP.on(Vocabulary.employee(rand)));
        }
        reads.add(HEADCOUNT_REPORT.on("report:compensation/all-employees"));
        return reads;
    }
}
