console.log("sigil: not yet");
