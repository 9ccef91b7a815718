// Reference bot for `SupportBot benchmark load`: the Bot Framework JS SDK (CloudAdapter, MemoryStorage,
// ConversationState, botbuilder-dialogs) running a waterfall shaped like SupportBot's support conversation, so
// both bots answer the same six scripted turns:
//   conversationUpdate   -> greet by name + open question (TextPrompt)
//   the customer's need  -> reflect it back (ConfirmPrompt)
//   "yes"                -> an answer + "Did that solve it?" (ConfirmPrompt)
//   "yes"                -> rating 1-5 (ChoicePrompt)
//   "5"                  -> an optional comment (TextPrompt)
//   "No comment"         -> close by name
// Usage: node index.js <port>. Authentication is off (empty app id); replies come back in the HTTP response when
// the activity asks for deliveryMode expectReplies.
'use strict';

const http = require('http');
const {
    ActivityHandler,
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConversationState,
    MemoryStorage,
    MessageFactory,
} = require('botbuilder');
const {
    ChoicePrompt,
    ConfirmPrompt,
    DialogSet,
    DialogTurnStatus,
    ListStyle,
    TextPrompt,
    WaterfallDialog,
} = require('botbuilder-dialogs');

const port = Number(process.argv[2] || 3979);

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' }));
adapter.onTurnError = async (context, error) => {
    console.error(`turn failed: ${error && error.stack ? error.stack : error}`);
    await context.sendActivity("I'm sorry, something went wrong on my side.");
};

const conversationState = new ConversationState(new MemoryStorage());
const dialogState = conversationState.createProperty('dialogState');
const caseState = conversationState.createProperty('case');

const dialogs = new DialogSet(dialogState);
dialogs.add(new TextPrompt('text'));
const confirmPrompt = new ConfirmPrompt('confirm');
confirmPrompt.style = ListStyle.suggestedAction;
dialogs.add(confirmPrompt);
dialogs.add(new ChoicePrompt('choice'));
dialogs.add(new WaterfallDialog('support', [
    async (step) => {
        const name = step.context.activity.from && step.context.activity.from.name;
        await step.context.sendActivity(name ? `Hi ${name}, welcome!` : 'Hi, welcome!');
        return step.prompt('text', 'What can I help you with today?');
    },
    async (step) => {
        const need = String(step.result || '');
        const order = /\b(\d{6})\b/.exec(need);
        const supportCase = await caseState.get(step.context, {});
        supportCase.need = need;
        supportCase.order = order ? order[1] : null;
        const about = supportCase.order ? `your order #${supportCase.order} hasn't reached you yet` : `you need help with: ${need}`;
        return step.prompt('confirm', `So ${about}. Did I get that right?`);
    },
    async (step) => {
        if (!step.result) {
            return step.replaceDialog('support');
        }
        const supportCase = await caseState.get(step.context, {});
        await step.context.sendActivity(`Thanks. For order #${supportCase.order || 'unknown'}: most parcels arrive within 2 working days of dispatch.`);
        return step.prompt('confirm', 'Did that solve it?');
    },
    async (step) => {
        const supportCase = await caseState.get(step.context, {});
        supportCase.solved = step.result;
        return step.prompt('choice', {
            prompt: 'One last thing: how would you rate your experience today, from 1 (poor) to 5 (excellent)?',
            choices: ['1', '2', '3', '4', '5'],
            style: ListStyle.suggestedAction,
        });
    },
    async (step) => {
        const supportCase = await caseState.get(step.context, {});
        supportCase.rating = step.result.value;
        const prompt = MessageFactory.suggestedActions(['No comment'], "Thank you! Is there anything you'd like to tell us about it? You can also just tap 'No comment'.");
        return step.prompt('text', { prompt });
    },
    async (step) => {
        const supportCase = await caseState.get(step.context, {});
        supportCase.comment = step.result;
        const name = step.context.activity.from && step.context.activity.from.name;
        await step.context.sendActivity(`Thank you, ${name || 'and'}, it was a pleasure helping you today. Take care!`);
        return step.endDialog();
    },
]));

class SupportWaterfallBot extends ActivityHandler {
    constructor() {
        super();
        this.onMembersAdded(async (context, next) => {
            const customerJoined = (context.activity.membersAdded || []).some((m) => m.id !== context.activity.recipient.id);
            if (customerJoined) {
                const dc = await dialogs.createContext(context);
                if (!dc.activeDialog) {
                    await dc.beginDialog('support');
                }
            }
            await next();
        });
        this.onMessage(async (context, next) => {
            const dc = await dialogs.createContext(context);
            const result = await dc.continueDialog();
            if (result.status === DialogTurnStatus.empty) {
                await dc.beginDialog('support');
            }
            await next();
        });
    }

    async run(context) {
        await super.run(context);
        await conversationState.saveChanges(context, false);
    }
}

const bot = new SupportWaterfallBot();

// Node's http response, given the four methods CloudAdapter.process expects (status, header, send, end).
function adaptResponse(res) {
    let body;
    return {
        status(code) { res.statusCode = code; },
        header(name, value) { res.setHeader(name, value); },
        send(value) { body = value; },
        end() {
            if (body === undefined) {
                res.end();
            } else if (typeof body === 'string') {
                res.setHeader('Content-Type', 'text/plain; charset=utf-8');
                res.end(body);
            } else {
                res.setHeader('Content-Type', 'application/json; charset=utf-8');
                res.end(JSON.stringify(body));
            }
        },
    };
}

const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
        res.end('ok');
        return;
    }
    if (req.url !== '/api/messages') {
        res.statusCode = 404;
        res.end();
        return;
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
        try {
            req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
            res.statusCode = 400;
            res.end('malformed JSON');
            return;
        }
        adapter.process(req, adaptResponse(res), (context) => bot.run(context)).catch((err) => {
            console.error(err);
            if (!res.writableEnded) {
                res.statusCode = 500;
                res.end();
            }
        });
    });
});
server.keepAliveTimeout = 65000;
server.listen(port, '127.0.0.1', () => console.log(`js-sdk-bot listening on http://127.0.0.1:${port}`));
