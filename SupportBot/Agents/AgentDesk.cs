using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Support;
using SupportBot.Playbooks;
using SupportBot.Staff;

namespace SupportBot.Agents;

/// <summary>What an agent does with a handoff: accept, reply, type, note, pass back, end. Only the owner may act on an
/// assigned conversation; every change wakes the consoles and the customers whose place in the queue moved.</summary>
public sealed class AgentDesk(IHandoffQueue queue, ConversationMessenger messenger, HubNotifications notifications, AgentHub hub,
    AgentPresence presence, PlaybookHost playbooks, TimeProvider clock, ILogger<AgentDesk> logger)
{
    public enum Outcome { Done, NotFound, NotYours, Taken, Over }

    /// <param name="teamsThread">Where an agent who accepted in Teams talks to the customer (recorded with the accept,
    /// so no customer message falls between the two).</param>
    public async Task<(Outcome Outcome, Handoff? Handoff)> AcceptAsync(string id, StaffAccount agent, string? teamsThread = null)
    {
        var handoff = await queue.GetAsync(id);
        if (handoff is null)
        {
            return (Outcome.NotFound, null);
        }
        if (!await queue.AcceptAsync(id, agent.Name, agent.Shown, teamsThread, clock.GetUtcNow()))
        {
            return (Outcome.Taken, await queue.GetAsync(id)); // someone else was first, or the customer left
        }
        notifications.Raise();
        await TellBotAsync(handoff, HandoffStates.Accepted, agent);
        return (Outcome.Done, await queue.GetAsync(id));
    }

    /// <summary>The conversation when <paramref name="agent"/> owns it.</summary>
    public async Task<(Outcome Outcome, Handoff? Handoff)> OwnedAsync(string id, StaffAccount agent)
    {
        var handoff = await queue.GetAsync(id);
        return handoff is null ? (Outcome.NotFound, null)
            : handoff.Agent != agent.Name ? (Outcome.NotYours, handoff)
            : handoff.Status == HandoffStatus.Assigned ? (Outcome.Done, handoff)
            : (Outcome.Over, handoff); // theirs once: ended, or back in the queue
    }

    public Task SendAsync(Handoff handoff, StaffAccount agent, string text) =>
        messenger.SendAsync(handoff.Reference, new Activity
        {
            Type = ActivityTypes.Message,
            Text = Dialogs.Recognition.Redactor.Redact(text), // the transcript never holds a card number, whoever typed it
            TextFormat = "plain", // an agent's words are shown as written, never as markup
            From = new ChannelAccount { Name = agent.Shown, Role = RoleTypes.Bot },
            Entities = [AgentEntity(agent)],
        });

    /// <summary>Marks an activity as a person's words (not the bot's) for the console and the transcript.</summary>
    private static Entity AgentEntity(StaffAccount agent) => new()
    {
        Type = AgentEntityType,
        Properties = new() { ["name"] = System.Text.Json.JsonSerializer.SerializeToElement(agent.Shown) },
    };

    public const string AgentEntityType = "supportbot/agent";

    public Task TypingAsync(Handoff handoff, StaffAccount agent) =>
        messenger.SendAsync(handoff.Reference, new Activity { Type = ActivityTypes.Typing, From = new ChannelAccount { Name = agent.Shown } });

    public async Task NoteAsync(Handoff handoff, StaffAccount agent, string text)
    {
        await queue.AddNoteAsync(handoff.Id, agent.Shown, text, clock.GetUtcNow());
        notifications.Raise();
    }

    public async Task<bool> EndAsync(Handoff handoff, StaffAccount agent)
    {
        if (!await queue.EndAsync(handoff.Id, agent.Name, clock.GetUtcNow()))
        {
            return false;
        }
        notifications.Raise();
        await TellBotAsync(handoff, HandoffStates.Completed, agent);
        return true;
    }

    public async Task<bool> ReturnAsync(Handoff handoff, StaffAccount agent)
    {
        if (!await queue.ReturnAsync(handoff.Id, agent.Name, clock.GetUtcNow()))
        {
            return false;
        }
        notifications.Raise();
        await TellBotAsync(handoff, HandoffStates.Queued, agent);
        return true;
    }

    /// <summary>Passes back to the queue the conversations of agents whose console has been closed for
    /// <paramref name="absent"/>: a customer is never left talking to nobody.</summary>
    public async Task ReturnAbandonedAsync(TimeSpan absent)
    {
        foreach (var handoff in await queue.AssignedAsync())
        {
            // Nobody can see whether a Teams agent is there (TeamsAgentChannel); only console agents go away.
            if (!handoff.Agent!.StartsWith(TeamsAgentChannel.AgentPrefix, StringComparison.Ordinal) && presence.AbsentFor(handoff.Agent) >= absent)
            {
                logger.LogInformation("Handoff {HandoffId} goes back to the queue: {Agent} has been away for {Minutes:0.#} min", handoff.Id, handoff.Agent, absent.TotalMinutes);
                await ReturnAsync(handoff, new StaffAccount { Name = handoff.Agent!, DisplayName = handoff.AgentName });
            }
        }
    }

    /// <summary>Tells each waiting customer whose place improved since they last heard it.</summary>
    public async Task UpdatePositionsAsync()
    {
        var queued = await queue.QueuedAsync();
        var perPlace = await hub.WaitPerPlaceAsync();
        for (var i = 0; i < queued.Count; i++)
        {
            var handoff = queued[i];
            var position = i + 1;
            if (handoff.ToldPosition is { } told && position >= told)
            {
                continue;
            }
            if (handoff.ToldPosition is not null) // null: passed back to the queue, and the bot has just told them where they are
            {
                var values = HandoffDialog.QueueValues(hub.StatusAt(position, perPlace));
                var text = Template.Render(playbooks.Current.Playbook.Messages.HandoffPosition, values);
                await messenger.SendAsync(handoff.Reference, new Activity { Type = ActivityTypes.Message, Text = text });
            }
            await queue.SetToldPositionAsync(handoff.Id, position); // after sending: a failed update is tried again
        }
    }

    /// <summary>The bot's state changes in a turn of its own; if that fails the agent's action still stands.</summary>
    private async Task TellBotAsync(Handoff handoff, string state, StaffAccount agent)
    {
        try
        {
            await messenger.RaiseStatusAsync(handoff.Reference, state, agent.Shown);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The bot could not be told that handoff {HandoffId} is {State}", handoff.Id, state);
        }
    }
}
